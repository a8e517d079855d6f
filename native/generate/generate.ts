// The decoding loop: a batch of prompts, left-padded, one forward pass per step through the KV cache;
// per row the logits processors, then greedy or seeded sampling; stop tokens, stop strings and max new
// tokens; cancelling by AbortSignal; streaming, log-probabilities with top alternatives, and timing. Beam
// search lives in beam.ts.
import type { GeneratedRow, LanguageModel } from './language-model.ts';
import { resolveOptions, type GenerateOptions, type ResolvedOptions } from './options.ts';
import { Rng } from './rng.ts';
import { TextStream, type Detokenizer } from './text-stream.ts';
import { beamSearch } from './beam.ts';
import { newRowState, scorePromptRow, stepRow, type RowState } from './row-step.ts';

export { sampleFrom } from './row-step.ts';

export type { FinishReason, GeneratedRow, GeneratedToken, LanguageModel, TokenLogprob } from './language-model.ts';

export interface GenerationTiming {
  promptTokens: number;
  generatedTokens: number;
  timeToFirstTokenMs: number;
  totalMs: number;
  /** Generated tokens per second after the first (the decode phase). */
  decodeTokensPerSecond: number;
}

export interface GenerationResult {
  rows: GeneratedRow[];
  timing: GenerationTiming;
  settings: Record<string, unknown>;
}

export interface GenerateContext {
  /** generation_config.json of the model, if any. */
  generationConfig?: Record<string, unknown> | null;
  /** Stop ids when neither the options nor generation_config name any (config.json's eos_token_id). */
  defaultStopIds?: number[];
  /** Token id used to left-pad shorter prompts (masked out, so any id works). */
  padTokenId?: number;
}

/** Refuse an empty batch, an empty prompt or a token id outside the vocabulary. */
export function checkPrompts(prompts: number[][], vocabSize: number): void {
  if (prompts.length === 0) throw new RangeError('generate: no prompts');
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new RangeError(`generate: prompt ${i} has no tokens`);
    const bad = p.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (bad !== undefined) throw new RangeError(`generate: prompt ${i} has token id ${bad} outside the vocabulary (0..${vocabSize - 1})`);
  });
}

/** Generate continuations of already-tokenized prompts. */
export async function generate<Cache>(
  model: LanguageModel<Cache>,
  tok: Detokenizer,
  prompts: number[][],
  options: GenerateOptions = {},
  ctx: GenerateContext = {},
): Promise<GenerationResult> {
  checkPrompts(prompts, model.vocabSize);
  const o = resolveOptions(options, ctx.generationConfig ?? null, ctx.defaultStopIds ?? []);
  const t0 = performance.now();
  if (o.strategy === 'beam') {
    const rows: GeneratedRow[] = [];
    let firstMs = 0;
    for (let i = 0; i < prompts.length; i++) {
      rows.push(await beamSearch(model, tok, prompts[i], o, i, options));
      if (i === 0) firstMs = performance.now() - t0;
    }
    // Beam search yields its tokens only when a search ends, so there is no decode phase to time apart from the
    // prompt: its rate is every generated token over the whole search (else one prompt gives ~0 ms of "decode").
    return { rows, timing: timing(prompts, rows, t0, firstMs, true), settings: o.settings };
  }
  return sampleBatch(model, tok, prompts, o, options, ctx, t0);
}

async function sampleBatch<Cache>(
  model: LanguageModel<Cache>,
  tok: Detokenizer,
  prompts: number[][],
  o: ResolvedOptions,
  options: GenerateOptions,
  ctx: GenerateContext,
  t0: number,
): Promise<GenerationResult> {
  const B = prompts.length;
  const V = model.vocabSize;
  const width = Math.max(...prompts.map((p) => p.length));
  const pad = ctx.padTokenId ?? o.stopTokenIds[0] ?? 0;
  let input = prompts.map((p) => [...Array(width - p.length).fill(pad), ...p]); // (B, T) left-padded
  let mask = prompts.map((p) => [...Array(width - p.length).fill(0), ...p.map(() => 1)]); // (B, S)
  let cache = model.emptyCache(B);
  const rng = new Rng(o.seed);
  const stops = new Set(o.stopTokenIds);
  const streams = prompts.map((p) => new TextStream(tok, p, o.stopStrings));
  const rows: RowState[] = prompts.map(() => newRowState(o));
  let firstMs = 0;
  // One step at least: a scored prompt with no new tokens still needs its prefill.
  for (let step = 0; step < Math.max(o.maxNewTokens, 1); step++) {
    if (options.signal?.aborted) {
      for (const row of rows) if (!row.done) row.finishReason = 'cancelled';
      break;
    }
    const out = await model.forward(input, mask, cache);
    cache = out.present;
    const T = input[0].length;
    if (step === 0 && o.scorePrompt) {
      rows.forEach((row, b) => {
        row.promptLogprobs = scorePromptRow(out.logits, b, T, V, prompts[b], o.logprobs ?? 0);
        options.onPromptScored?.(b, row.promptLogprobs);
      });
    }
    if (o.maxNewTokens === 0) break;
    for (let b = 0; b < B; b++) {
      if (rows[b].done) continue;
      const start = (b * T + T - 1) * V;
      stepRow(rows[b], out.logits.slice(start, start + V), { o, rng, stops, prompt: prompts[b], stream: streams[b], index: b, onToken: options.onToken });
    }
    if (step === 0) firstMs = performance.now() - t0;
    if (rows.every((r) => r.done)) break;
    input = rows.map((r) => [r.done ? pad : r.tokenIds[r.tokenIds.length - 1]]);
    mask = mask.map((m) => [...m, 1]);
  }
  const result: GeneratedRow[] = rows.map((r, b) => {
    const tail = r.done ? '' : streams[b].flush();
    if (tail) options.onToken?.({ row: b, tokenId: -1, text: tail });
    const { done: _done, ...row } = r;
    return { ...row, text: streams[b].text };
  });
  return { rows: result, timing: timing(prompts, result, t0, firstMs), settings: o.settings };
}

export function timing(prompts: number[][], rows: GeneratedRow[], t0: number, firstMs: number, wholeRun = false): GenerationTiming {
  const totalMs = performance.now() - t0;
  const generatedTokens = rows.reduce((s, r) => s + r.tokenIds.length, 0);
  const decodeMs = wholeRun ? totalMs : totalMs - firstMs;
  const decodeTokens = wholeRun ? generatedTokens : generatedTokens - rows.length;
  return {
    promptTokens: prompts.reduce((s, p) => s + p.length, 0),
    generatedTokens,
    timeToFirstTokenMs: firstMs,
    totalMs,
    decodeTokensPerSecond: decodeMs > 0 && decodeTokens > 0 ? decodeTokens / (decodeMs / 1000) : 0,
  };
}
