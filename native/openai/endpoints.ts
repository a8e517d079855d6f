// The three generation endpoints' logic between the HTTP server and the engine: parse the body, find the model,
// wait for a slot, render the prompt, generate, and answer whole or as a stream. What the request log needs
// (model, tokens, rate, how it ended) is written into `entry` as it becomes known.
import type http from 'node:http';
import type { Store } from '../store/db.ts';
import type { ApiRequestInput } from '../store/api-requests.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import { chatPrompt } from './chat-prompt.ts';
import { citedBy, retrievalField, type Retrieval, type ServedCollections } from './collections.ts';
import { invalidParam } from './errors.ts';
import { runGeneration, type Choice, type ChoiceDelta, type GenerationOutcome, type PromptToken, type SamplingRequest } from './generation.ts';
import type { ModelPool } from './model-pool.ts';
import { base64Floats, embedTokens, requireHiddenStates } from './embeddings.ts';
import { ChatRequest, CompletionRequest, EmbeddingRequest, parseRequest } from './params.ts';
import type { RequestQueue } from './request-queue.ts';
import * as answer from './responses.ts';
import { listServedModels, resolveServedModel } from './served-models.ts';
import { SseStream } from './sse.ts';

export interface ServerHooks {
  /** Each generated token (tests count the decode steps a request runs after its client left). */
  tokenGenerated?(): void;
  /** A client closed its connection before its answer was complete. */
  clientGone?(): void;
}

export interface EndpointContext {
  store: Store;
  pool: ModelPool;
  queue: RequestQueue;
  res: http.ServerResponse;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  hooks: ServerHooks;
  /** The request log row, filled in as the answer proceeds. */
  entry: Partial<ApiRequestInput>;
  /** Indexes of the collections requests answer from (`lathe_collection`). */
  collections: ServedCollections;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function listModels(ctx: EndpointContext): void {
  const data = listServedModels(ctx.store).map((m) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'lathe' }));
  sendJson(ctx.res, 200, { object: 'list', data });
}

export function retrieveModel(ctx: EndpointContext, name: string): void {
  const m = resolveServedModel(ctx.store, name, undefined, false); // described, not opened
  sendJson(ctx.res, 200, { id: m.name, object: 'model', created: m.created, owned_by: 'lathe' });
}

/** How one endpoint shapes a whole answer and its stream. */
interface Shape {
  header: answer.AnswerHeader;
  whole(out: GenerationOutcome): unknown;
  /** Chunks sent before generation (chat: each choice's role; completions: the echoed prompt). */
  opening(): unknown[];
  delta(d: ChoiceDelta): unknown;
  /** A choice's prompt scored (echo with logprobs), before its first delta and before the stream opens. */
  promptScored?(index: number, prompt: PromptToken[]): void;
  finish(c: Choice): unknown;
  usageObject: 'chat.completion.chunk' | 'text_completion';
}

interface Plan {
  prompts: number[][];
  sampling: SamplingRequest;
  shape: Shape;
}

/** Generate for a parsed request inside a queue slot with its model loaded; answers and fills the log entry. */
async function serve(ctx: EndpointContext, model: string, stream: boolean, includeUsage: boolean, plan: (g: TextGenerator) => Plan): Promise<void> {
  const served = resolveServedModel(ctx.store, model);
  const release = await ctx.queue.acquire(ctx.signal);
  try {
    await ctx.pool.use(served, async (generator) => {
      const { prompts, sampling, shape } = plan(generator);
      // The stream opens with the first token, not before: a request the engine refuses (its settings, its
      // length) still gets a JSON error with its status rather than a stream that ends in one.
      let sse: SseStream | null = null;
      const open = (): SseStream => {
        if (sse) return sse;
        const opened = new SseStream(ctx.res);
        for (const chunk of shape.opening()) opened.send(chunk);
        return (sse = opened);
      };
      const out = await runGeneration(generator, prompts, sampling, {
        signal: ctx.signal,
        onToken: () => ctx.hooks.tokenGenerated?.(),
        onPromptScored: shape.promptScored,
        onDelta: stream ? (d) => open().send(shape.delta(d)) : undefined,
      });
      Object.assign(ctx.entry, {
        promptTokens: out.usage.prompt_tokens,
        completionTokens: out.usage.completion_tokens,
        tokensPerSecond: out.timings.predicted_per_second || null,
        outcome: ctx.signal.aborted ? 'cancelled' : out.choices[0].finishReason,
      });
      if (ctx.signal.aborted) return;
      if (!stream) return sendJson(ctx.res, 200, shape.whole(out));
      const events = open();
      for (const c of out.choices) events.send(shape.finish(c));
      if (includeUsage) events.send(answer.usageChunk(shape.header, shape.usageObject, out));
      events.done();
    });
  } finally {
    release();
  }
}

function topOf(logprobs: boolean | number | null | undefined, top: number | null | undefined): number | null {
  if (logprobs === true) return top ?? 0;
  if (typeof logprobs === 'number') return logprobs;
  return null;
}

export async function chatCompletions(ctx: EndpointContext, body: unknown): Promise<void> {
  const r = parseRequest(ChatRequest, body);
  ctx.entry.model = r.model;
  if (r.top_logprobs != null && !r.logprobs) throw invalidParam('top_logprobs', "'top_logprobs' needs 'logprobs' set to true");
  if (r.stream_options && !r.stream) throw invalidParam('stream_options', "'stream_options' is only allowed when 'stream' is true");
  const withUsage = Boolean(r.stream_options?.include_usage);
  const top = topOf(r.logprobs, r.top_logprobs);
  // Retrieval first: a collection that does not exist is refused before the request waits for a slot.
  const rag = r.lathe_collection ? await ctx.collections.retrieve(r.lathe_collection, r.messages) : null;
  await serve(ctx, r.model, Boolean(r.stream), withUsage, (generator) => {
    const tok: TextTokenizer = generator.tokenizer;
    const h = answer.answerHeader('chatcmpl', r.model);
    const n = r.n ?? 1;
    const shape: Shape = {
      header: h,
      whole: (out) => withCitations(answer.chatCompletion(h, out, tok, top), rag?.retrieval),
      opening: () => Array.from({ length: n }, (_, i) => {
        const chunk = answer.chatRoleChunk(h, i, withUsage);
        return rag && i === 0 ? { ...chunk, lathe_retrieval: retrievalField(rag.retrieval) } : chunk;
      }),
      delta: (d) => answer.chatDeltaChunk(h, d, tok, top, withUsage),
      finish: (c) => {
        const chunk = answer.chatFinishChunk(h, c, withUsage);
        return rag ? { ...chunk, choices: chunk.choices.map((x) => ({ ...x, lathe_cited: citedBy(c.text, rag.retrieval) })) } : chunk;
      },
      usageObject: 'chat.completion.chunk',
    };
    const prompt = chatPrompt(tok, rag?.messages ?? r.messages);
    return { prompts: [prompt.ids], sampling: { ...r, maxTokens: r.max_completion_tokens ?? r.max_tokens ?? null, promptParam: 'messages', logprobs: top }, shape };
  });
}

/** A whole chat answer from a collection: the passages it was given, and per choice the numbers it cites. */
function withCitations(body: ReturnType<typeof answer.chatCompletion>, retrieval: Retrieval | undefined) {
  if (!retrieval) return body;
  return { ...body, choices: body.choices.map((c) => ({ ...c, lathe_cited: citedBy(c.message.content, retrieval) })), lathe_retrieval: retrievalField(retrieval) };
}

/** The most sequences one request decodes together (prompts × n): each is a row of the batch and its KV cache. */
const MAX_BATCH = 64;

/**
 * Refuses the first token id the model has no row for, in `lists`, with a 400 that names its place (`param`:
 * prompt[1][3], input[2]). Completions and embeddings take ids as given.
 */
function checkVocabulary(lists: readonly (readonly number[])[], vocab: number, param: (row: number, col: number) => string): void {
  const row = lists.findIndex((ids) => ids.some((id) => id >= vocab));
  if (row < 0) return;
  const col = lists[row].findIndex((id) => id >= vocab);
  throw invalidParam(param(row, col), `token id ${lists[row][col]} is outside this model's vocabulary (0..${vocab - 1})`);
}

/** OpenAI's completions default to 16 new tokens. */
const COMPLETION_DEFAULT_TOKENS = 16;

/** A completion prompt given as text (one string or several), or null when it is token ids. */
function promptTexts(prompt: CompletionRequest['prompt']): string[] | null {
  if (typeof prompt === 'string') return [prompt];
  return prompt.every((p) => typeof p === 'string') ? (prompt as string[]) : null;
}

/** A completion prompt given as token ids: one list, or several. */
function promptIds(prompt: CompletionRequest['prompt']): number[][] {
  return (prompt as (number | number[])[]).every(Array.isArray) ? (prompt as number[][]) : [prompt as number[]];
}

export async function completions(ctx: EndpointContext, body: unknown): Promise<void> {
  const r = parseRequest(CompletionRequest, body);
  ctx.entry.model = r.model;
  if (r.stream_options && !r.stream) throw invalidParam('stream_options', "'stream_options' is only allowed when 'stream' is true");
  const withUsage = Boolean(r.stream_options?.include_usage);
  const top = topOf(r.logprobs, null);
  // OpenAI's echo with logprobs scores the prompt's tokens too, from the same prefill that starts the answer.
  const scorePrompt = Boolean(r.echo) && top !== null;
  if (r.max_tokens === 0 && !scorePrompt) throw invalidParam('max_tokens', "max_tokens 0 generates nothing: it asks for the prompt's own logprobs, so it needs echo: true and logprobs");
  await serve(ctx, r.model, Boolean(r.stream), withUsage, (generator) => {
    const tok = generator.tokenizer;
    const h = answer.answerHeader('cmpl', r.model);
    const n = r.n ?? 1;
    const texts = promptTexts(r.prompt);
    const prompts = texts ? texts.map((t) => tok.encode(t)) : promptIds(r.prompt);
    if (prompts.length * n > MAX_BATCH) throw invalidParam(prompts.length > 1 ? 'prompt' : 'n', `${prompts.length} prompts × n = ${n} asks for ${prompts.length * n} completions at once; this server decodes at most ${MAX_BATCH} per request`);
    const bad = prompts.findIndex((p) => p.length === 0);
    if (bad >= 0) throw invalidParam(texts && texts.length > 1 ? `prompt[${bad}]` : 'prompt', 'the prompt encodes to no tokens; give some text to continue');
    // named by position, as /v1/embeddings names it: prompt[3] in one list of ids, prompt[1][3] in a list of lists
    const listsOfIds = Array.isArray((r.prompt as unknown[])[0]);
    checkVocabulary(prompts, generator.model.vocabSize, (row, col) => (texts ? (texts.length > 1 ? `prompt[${row}]` : 'prompt') : listsOfIds ? `prompt[${row}][${col}]` : `prompt[${col}]`));
    const shownPrompts = texts ?? prompts.map((p) => tok.decode(p));
    const echoed = r.echo ? Array.from({ length: prompts.length * n }, (_, i) => shownPrompts[Math.floor(i / n)]) : [];
    /** Characters of each choice's echo and scored tokens streamed so far: the next token's text_offset, counted as a whole answer counts it. */
    const offsets = echoed.map((e) => e.length);
    const scored: (PromptToken[] | null)[] = echoed.map(() => null);
    const shape: Shape = {
      header: h,
      whole: (out) => answer.textCompletion(h, out, tok, top, echoed),
      promptScored: (i, prompt) => {
        scored[i] = prompt;
        offsets[i] = prompt.reduce((at, t) => at + t.text.length, 0);
      },
      opening: () => echoed.map((text, i) => answer.echoChunk(h, i, scored[i], text, tok, top, withUsage)),
      delta: (d) => {
        const chunk = answer.completionDeltaChunk(h, d, tok, top, withUsage, offsets[d.index] ?? 0);
        offsets[d.index] = d.tokens.reduce((at, t) => at + t.text.length, offsets[d.index] ?? 0);
        return chunk;
      },
      finish: (c) => answer.completionChunk(h, c.index, '', null, c.finishReason, withUsage),
      usageObject: 'text_completion',
    };
    return { prompts, sampling: { ...r, maxTokens: r.max_tokens ?? COMPLETION_DEFAULT_TOKENS, promptParam: 'prompt', logprobs: top, scorePrompt }, shape };
  });
}

/** One embedding input: text to encode, or token ids as given; `param` names it, `idParam` one of its ids. */
interface EmbeddingInput {
  text: string | null;
  ids: number[] | null;
  param: string;
  idParam(j: number): string;
}

/** A request's input in its four forms (params.ts EmbeddingRequest) as a list of inputs. */
export function embeddingInputs(input: EmbeddingRequest['input']): EmbeddingInput[] {
  if (typeof input === 'string') return [{ text: input, ids: null, param: 'input', idParam: () => 'input' }];
  if (input.every((v) => typeof v === 'number')) return [{ text: null, ids: input, param: 'input', idParam: (j) => `input[${j}]` }];
  return input.map((v, i) => (typeof v === 'string'
    ? { text: v, ids: null, param: `input[${i}]`, idParam: () => `input[${i}]` }
    : { text: null, ids: v as number[], param: `input[${i}]`, idParam: (j) => `input[${i}][${j}]` }));
}

export async function embeddings(ctx: EndpointContext, body: unknown): Promise<void> {
  const r = parseRequest(EmbeddingRequest, body);
  ctx.entry.model = r.model;
  const inputs = embeddingInputs(r.input);
  const served = resolveServedModel(ctx.store, r.model);
  requireHiddenStates(ctx.store, served);
  const release = await ctx.queue.acquire(ctx.signal);
  try {
    await ctx.pool.use(served, async (generator) => {
      // token ids are the model's as given (no BOS added), as a completion's prompt ids are; checked before any is embedded
      checkVocabulary(inputs.map((input) => input.ids ?? []), generator.model.vocabSize, (row, col) => inputs[row].idParam(col));
      const data = [];
      let tokens = 0;
      for (const [i, input] of inputs.entries()) {
        if (ctx.signal.aborted) return;
        const ids = input.ids ?? generator.tokenizer.encode(input.text!);
        tokens += ids.length;
        const vector = await embedTokens(generator, ids, input.param);
        data.push({ object: 'embedding', index: i, embedding: r.encoding_format === 'base64' ? base64Floats(vector) : [...vector] });
      }
      Object.assign(ctx.entry, { promptTokens: tokens, outcome: 'stop' });
      sendJson(ctx.res, 200, { object: 'list', data, model: r.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
    });
  } finally {
    release();
  }
}
