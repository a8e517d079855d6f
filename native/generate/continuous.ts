// Continuous batching: many callers' generations decoded together, one forward pass per step for every sequence
// in flight, with new requests joining between steps and finished ones leaving. A server (native/openai) with
// eight clients thus runs one batched decode step where it would run eight, and a small model's step costs about
// the same for eight rows as for one.
//
// How: sequences live in one batch whose KV cache is (B, H, S, D), each row right-aligned in S with masked
// columns on its left. Between steps, requests that arrived are prefilled together (left-padded, as generate.ts
// does) and joined to the batch (both caches padded to a common S, then stacked); rows that finished, were
// cancelled (their AbortSignal, checked before each step) or hit their token limit leave (their cache rows
// dropped); and leading columns that no row attends to any more are cut, so S stays the longest row's length
// however long the server runs. Each request keeps its own settings, processors, seeded sampler, stop rules and stream, so
// its tokens are those it would get alone (up to floating-point summation order in the padded attention).
// Beam search, which reorders its own cache, runs apart through generate().
import type { GeneratedRow, LanguageModel } from './language-model.ts';
import { checkPrompts, generate, timing, type GenerateContext, type GenerationResult } from './generate.ts';
import { resolveOptions, type GenerateOptions, type ResolvedOptions } from './options.ts';
import { Rng } from './rng.ts';
import { newRowState, scorePromptRow, stepRow, type RowState } from './row-step.ts';
import { TextStream, type Detokenizer } from './text-stream.ts';

/** What continuous batching needs beyond a forward step: joining two batches' caches and cutting leading columns. */
export interface BatchableModel<Cache> extends LanguageModel<Cache> {
  /** forward() with only each row's last-position logits, (B, 1, V): what a prefill needs for the next token. */
  forwardLast(inputIds: number[][], attentionMask: number[][], past: Cache): Promise<{ logits: Float32Array; present: Cache }>;
  joinCaches(a: Cache, b: Cache, padA: number, padB: number): Promise<Cache>;
  trimCache(cache: Cache, drop: number): Promise<Cache>;
}

interface Request {
  prompts: number[][];
  o: ResolvedOptions;
  options: GenerateOptions;
  rng: Rng;
  stops: Set<number>;
  rows: Sequence[];
  t0: number;
  firstMs: number | null;
  resolve(result: GenerationResult): void;
  reject(err: Error): void;
}

interface Sequence {
  request: Request;
  /** Index among its request's prompts × n (TokenEvent.row). */
  index: number;
  state: RowState;
  stream: TextStream;
  /** Attention mask over the batch's S columns (0 for the padding on its left). */
  mask: number[];
}

export interface ContinuousBatcherOptions {
  /** Sequences decoded together at most; requests beyond wait for rows to free (default 64). */
  maxRows?: number;
}

export class ContinuousBatcher<Cache> {
  private readonly waiting: Request[] = [];
  private batch: Sequence[] = [];
  private cache: Cache | null = null;
  private loop: Promise<void> | null = null;
  readonly maxRows: number;
  /**
   * Decode steps run so far and rows they carried (mean batch = rows / steps), and where the scheduler's time went,
   * in ms: prefills (count, and the rows they carried), decode steps (forward only), sampling in JS (advance: every
   * row's processors, sampler, stop rules and stream callbacks), joining caches, and compacting (dropping rows and
   * trimming columns). For reports (bench/serve.ts); wall time not in these is time the loop waited or was idle.
   */
  readonly stats = { steps: 0, rows: 0, prefills: 0, prefillRows: 0, prefillMs: 0, decodeMs: 0, sampleMs: 0, joinMs: 0, compactMs: 0 };

  constructor(
    private readonly model: BatchableModel<Cache>,
    private readonly tok: Detokenizer,
    private readonly ctx: GenerateContext = {},
    options: ContinuousBatcherOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 64;
  }

  /** Sequences in the running batch now. */
  get active(): number {
    return this.batch.length;
  }

  /** The batch cache's sequence length now: its longest row's (no more, however long the batcher runs). */
  get columns(): number {
    return this.batch[0]?.mask.length ?? 0;
  }

  /** Generate as generate() does, decoding alongside every other request in flight. */
  generate(prompts: number[][], options: GenerateOptions = {}): Promise<GenerationResult> {
    checkPrompts(prompts, this.model.vocabSize);
    const o = resolveOptions(options, this.ctx.generationConfig ?? null, this.ctx.defaultStopIds ?? []);
    if (o.strategy === 'beam') return generate(this.model, this.tok, prompts, options, this.ctx);
    return new Promise((resolve, reject) => {
      const request: Request = { prompts, o, options, rng: new Rng(o.seed), stops: new Set(o.stopTokenIds), rows: [], t0: performance.now(), firstMs: null, resolve, reject };
      request.rows = prompts.map((p, index) => ({ request, index, state: newRowState(o), stream: new TextStream(this.tok, p, o.stopStrings), mask: [] }));
      this.waiting.push(request);
      this.loop ??= this.run().finally(() => (this.loop = null));
    });
  }

  private async run(): Promise<void> {
    while (this.waiting.length > 0 || this.batch.length > 0) {
      const admitted = this.admittable();
      try {
        if (admitted.length > 0) await this.prefill(admitted);
        this.cancelAborted();
        await this.compact();
        if (this.batch.length > 0) await this.decodeStep();
        await this.compact();
      } catch (err) {
        // A failed forward pass leaves no usable cache: every request in it fails, and the batch starts afresh.
        const failed = new Set([...admitted, ...this.batch.map((s) => s.request)]);
        this.batch = [];
        this.cache = null;
        for (const r of failed) r.reject(err as Error);
      }
    }
  }

  /** The waiting requests that fit beside the running batch, oldest first (one always fits an empty batch). */
  private admittable(): Request[] {
    const taken: Request[] = [];
    let rows = this.batch.length;
    while (this.waiting.length > 0) {
      const next = this.waiting[0];
      if (rows > 0 && rows + next.prompts.length > this.maxRows) break;
      this.waiting.shift();
      if (next.options.signal?.aborted) {
        for (const s of next.rows) s.state.finishReason = 'cancelled';
        this.finishRows(next.rows);
        continue;
      }
      taken.push(next);
      rows += next.prompts.length;
    }
    return taken;
  }

  /** Prefill the admitted requests' prompts as one left-padded batch, take each row's first token, join the batch. */
  private async prefill(requests: Request[]): Promise<void> {
    const rows = requests.flatMap((r) => r.rows);
    const prompts = rows.map((s) => s.request.prompts[s.index]);
    const width = Math.max(...prompts.map((p) => p.length));
    const pad = this.padId(rows[0].request.o);
    const input = prompts.map((p) => [...Array<number>(width - p.length).fill(pad), ...p]); // (B, T) left-padded
    rows.forEach((s, b) => (s.mask = [...Array<number>(width - prompts[b].length).fill(0), ...prompts[b].map(() => 1)]));
    let t = performance.now();
    // A request that scores its prompt needs the logits of every position (the others' rows come along: one pass);
    // otherwise only each row's last.
    const scoring = requests.some((r) => r.o.scorePrompt);
    const masks = rows.map((s) => s.mask);
    const empty = this.model.emptyCache(rows.length);
    const out = scoring ? await this.model.forward(input, masks, empty) : await this.model.forwardLast(input, masks, empty);
    this.stats.prefills++;
    this.stats.prefillRows += rows.length;
    this.stats.prefillMs += performance.now() - t;
    const T = scoring ? width : 1;
    rows.forEach((s, b) => {
      const r = s.request;
      if (!r.o.scorePrompt) return;
      s.state.promptLogprobs = scorePromptRow(out.logits, b, T, this.model.vocabSize, prompts[b], r.o.logprobs ?? 0);
      r.options.onPromptScored?.(s.index, s.state.promptLogprobs);
    });
    this.advance(rows, out.logits, T);
    for (const r of requests) r.firstMs ??= performance.now() - r.t0;
    if (this.cache === null || this.batch.length === 0) {
      this.batch = rows;
      this.cache = out.present;
      return;
    }
    const S = this.batch[0].mask.length;
    const joined = Math.max(S, width);
    for (const s of this.batch) s.mask = [...Array<number>(joined - S).fill(0), ...s.mask];
    for (const s of rows) s.mask = [...Array<number>(joined - width).fill(0), ...s.mask];
    t = performance.now();
    this.cache = await this.model.joinCaches(this.cache, out.present, joined - S, joined - width);
    this.stats.joinMs += performance.now() - t;
    this.batch = [...this.batch, ...rows];
  }

  /** One forward step over every sequence in the batch: its last token in, its next token out. */
  private async decodeStep(): Promise<void> {
    const input = this.batch.map((s) => [s.state.tokenIds[s.state.tokenIds.length - 1]]);
    for (const s of this.batch) s.mask.push(1);
    const t = performance.now();
    const out = await this.model.forward(input, this.batch.map((s) => s.mask), this.cache!);
    this.stats.decodeMs += performance.now() - t;
    this.cache = out.present;
    this.stats.steps++;
    this.stats.rows += this.batch.length;
    this.advance(this.batch, out.logits, 1);
  }

  /** Each unfinished row's next token from its last position of `logits` (B, T, V); limits and finished requests. */
  private advance(rows: Sequence[], logits: Float32Array, T: number): void {
    const t = performance.now();
    const V = this.model.vocabSize;
    const ended: Sequence[] = [];
    rows.forEach((s, b) => {
      if (s.state.done) return;
      const r = s.request;
      if (r.o.maxNewTokens === 0) {
        ended.push(s); // a scored prompt only: it ends 'length', as OpenAI's max_tokens 0 does
        return;
      }
      const start = (b * T + T - 1) * V;
      stepRow(s.state, logits.slice(start, start + V), { o: r.o, rng: r.rng, stops: r.stops, prompt: r.prompts[s.index], stream: s.stream, index: s.index, onToken: r.options.onToken });
      if (!s.state.done && s.state.tokenIds.length >= r.o.maxNewTokens) ended.push(s); // 'length'
      else if (s.state.done) ended.push(s);
    });
    this.finishRows(ended);
    this.stats.sampleMs += performance.now() - t;
  }

  /** Rows of requests whose client gave up end as 'cancelled' before the next step is spent on them. */
  private cancelAborted(): void {
    const cancelled = this.batch.filter((s) => !s.state.done && s.request.options.signal?.aborted);
    for (const s of cancelled) s.state.finishReason = 'cancelled';
    this.finishRows(cancelled);
  }

  /** Mark rows done (flushing the text a stream held back) and answer every request whose rows are all done. */
  private finishRows(rows: Sequence[]): void {
    const requests = new Set<Request>();
    for (const s of rows) {
      const wasDone = s.state.done;
      s.state.done = true;
      if (!wasDone) {
        const tail = s.stream.flush();
        if (tail) s.request.options.onToken?.({ row: s.index, tokenId: -1, text: tail });
      }
      requests.add(s.request);
    }
    for (const r of requests) if (r.rows.every((s) => s.state.done)) this.answer(r);
  }

  private answer(r: Request): void {
    const rows: GeneratedRow[] = r.rows.map((s) => {
      const { done: _done, ...row } = s.state;
      return { ...row, text: s.stream.text };
    });
    r.resolve({ rows, timing: timing(r.prompts, rows, r.t0, r.firstMs ?? performance.now() - r.t0), settings: r.o.settings });
  }

  /** Drop finished rows from the batch and its cache, then the leading columns no row attends to. */
  private async compact(): Promise<void> {
    if (this.cache === null) return;
    const t = performance.now();
    await this.dropAndTrim();
    this.stats.compactMs += performance.now() - t;
  }

  private async dropAndTrim(): Promise<void> {
    if (this.cache === null) return;
    const keep = this.batch.flatMap((s, b) => (s.state.done ? [] : [b]));
    if (keep.length === 0) {
      this.batch = [];
      this.cache = null;
      return;
    }
    if (keep.length < this.batch.length) {
      this.cache = await this.model.reorderCache(this.cache, keep);
      this.batch = keep.map((b) => this.batch[b]);
    }
    const unused = Math.min(...this.batch.map((s) => s.mask.indexOf(1)));
    if (unused > 0) {
      this.cache = await this.model.trimCache(this.cache, unused);
      for (const s of this.batch) s.mask = s.mask.slice(unused);
    }
  }

  private padId(o: ResolvedOptions): number {
    return this.ctx.padTokenId ?? o.stopTokenIds[0] ?? 0;
  }
}
