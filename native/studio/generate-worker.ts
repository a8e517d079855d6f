// The generation worker: a child process that keeps recently used models loaded (onnxruntime sessions and
// tokenizers) and runs the playground's generations and next-token queries one at a time.
//
// Why a child process rather than the studio's own process: a decode step is synchronous native work between
// awaits, a prefill of a long prompt on a large model takes seconds, and loading a model builds its whole graph
// in JavaScript first; all of that would stall every other API call and event stream of `lathe serve` or the
// Electron main process. Why not a job per generation: loading costs far more than generating a few tokens
// with a small model, so the session must outlive a request. A crash here (out of memory on a big model)
// fails the current generation; the studio starts a fresh worker on the next request.
import { StudioError } from '../api/errors.ts';
import { TextGenerator } from '../generate/pipeline.ts';
import type { FromGenerationWorker, ToGenerationWorker } from './generate-protocol.ts';
import { lastLogits, nextTokenDistribution, streamGeneration } from './generate-session.ts';

/** Models kept loaded: two, so a side-by-side comparison of two models does not reload at each run. */
const KEEP_LOADED = 2;
const loaded = new Map<string, Promise<TextGenerator>>();
/** Generations cancelled while waiting their turn. */
const cancelled = new Set<string>();
/** The generation being streamed, stopped through its AbortSignal. */
const streaming = new Map<string, AbortController>();
/** The last prompt's logits per model, so moving a knob in the next-token panel needs no new forward pass. */
const lastPrompt = new Map<string, { key: string; logits: Float32Array }>();
let queue: Promise<void> = Promise.resolve();

function send(message: FromGenerationWorker): void {
  if (process.connected && process.send) process.send(message);
}

function model(dir: string): Promise<TextGenerator> {
  let gen = loaded.get(dir);
  if (gen) {
    loaded.delete(dir); // re-insert: most recently used last
    loaded.set(dir, gen);
    return gen;
  }
  gen = TextGenerator.load(dir);
  loaded.set(dir, gen);
  gen.catch(() => loaded.delete(dir));
  while (loaded.size > KEEP_LOADED) evict(loaded.keys().next().value!);
  return gen;
}

function evict(dir: string): void {
  const gen = loaded.get(dir);
  loaded.delete(dir);
  lastPrompt.delete(dir);
  gen?.then((g) => g.release()).catch(() => undefined);
}

const NO_TIMING = { promptTokens: 0, generatedTokens: 0, timeToFirstTokenMs: 0, totalMs: 0, decodeTokensPerSecond: 0 };

function fail(id: string, err: unknown): void {
  const userError = err instanceof StudioError || err instanceof RangeError;
  send({ type: 'error', id, message: (err as Error)?.message ?? String(err), userError });
}

async function handle(m: Extract<ToGenerationWorker, { type: 'generate' | 'nextToken' }>): Promise<void> {
  try {
    if (cancelled.delete(m.id)) {
      // Cancelled while waiting its turn: it still ends, with nothing generated.
      if (m.type === 'generate') send({ type: 'done', id: m.id, text: '', tokenIds: [], finishReason: 'cancelled', contextFull: null, settings: {}, timing: NO_TIMING });
      return;
    }
    const gen = await model(m.modelDir);
    if (m.type === 'generate') {
      const controller = new AbortController();
      streaming.set(m.id, controller);
      if (cancelled.delete(m.id)) controller.abort(); // cancelled while its model was loading
      try {
        await streamGeneration(gen, m.id, m.prompt, m.settings, m.top, send, controller.signal);
      } finally {
        streaming.delete(m.id);
      }
    } else {
      const result = await nextTokenDistribution(gen, m.prompt, m.settings, m.top, async (ids) => {
        const key = ids.join(',');
        const hit = lastPrompt.get(m.modelDir);
        if (hit?.key === key) return hit.logits;
        const logits = await lastLogits(gen, ids);
        lastPrompt.set(m.modelDir, { key, logits });
        return logits;
      });
      send({ type: 'nextToken', id: m.id, result });
    }
  } catch (err) {
    fail(m.id, err);
  }
}

process.on('message', (m: ToGenerationWorker) => {
  if (m.type === 'cancel') {
    const running = streaming.get(m.id);
    if (running) running.abort();
    else cancelled.add(m.id);
  }
  else if (m.type === 'evict') evict(m.modelDir);
  else queue = queue.then(() => handle(m));
});

// The studio is gone: nothing is left to stream to.
process.on('disconnect', () => process.exit(0));
