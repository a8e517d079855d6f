// Perplexity evaluation: no generation. Each text is tokenized (with BOS), cut into windows of the model's
// context length that overlap by one token, and run as a prefill; a second small ONNX graph turns the logits
// into per-token negative log-likelihoods (SoftmaxCrossEntropyLoss, log-sum-exp inside ORT), so every token
// after the first is scored exactly once. Context restarts at each window boundary.
import type { EvalExample } from '../api/eval.ts';
import { CausalLM } from '../models/decoder.ts';
import { GraphBuilder, createSession, ort, type Session } from '../onnx/index.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import type { ExampleEvaluator } from './runner-generation.ts';
import { utf8Bytes } from './perplexity.ts';

const IGNORE = -100;

/** (N, V) logits and (N) int64 labels → (N) −log p(label), 0 where the label is IGNORE. */
export async function createNllSession(vocabSize: number, threads?: number): Promise<Session> {
  const g = new GraphBuilder({ name: 'token-nll', opset: 23 });
  const logits = g.input('logits', 'float32', ['N', vocabSize]);
  const labels = g.input('labels', 'int64', ['N']);
  g.output(g.op('SoftmaxCrossEntropyLoss', [logits, labels], { reduction: 'none', ignore_index: IGNORE }), 'nll');
  return createSession(g, { intraOpNumThreads: threads });
}

/** Windows [start, end) over n tokens, each at most `width` long, consecutive ones sharing one token. */
export function tokenWindows(n: number, width: number): [number, number][] {
  if (width < 2) throw new RangeError(`a perplexity window needs at least 2 tokens, got ${width}`);
  const out: [number, number][] = [];
  for (let start = 0; start < n - 1; start += width - 1) out.push([start, Math.min(n, start + width)]);
  return out;
}

/** Summed NLL (nats) of ids[1..] given what precedes each, window by window. */
export async function sequenceNll(model: CausalLM, nll: Session, ids: number[], width: number): Promise<{ nll: number; tokens: number }> {
  let total = 0;
  let tokens = 0;
  const V = model.vocabSize;
  for (const [start, end] of tokenWindows(ids.length, width)) {
    const window = ids.slice(start, end);
    const T = window.length;
    const out = await model.forward([window], [window.map(() => 1)], model.emptyCache(1));
    const labels = new BigInt64Array(T);
    for (let t = 0; t < T; t++) labels[t] = BigInt(t + 1 < T ? window[t + 1] : IGNORE);
    const losses = (await nll.run({ logits: new ort.Tensor('float32', out.logits, [T, V]), labels: new ort.Tensor('int64', labels, [T]) })).nll.data as Float32Array;
    for (let t = 0; t < T - 1; t++) total += losses[t];
    tokens += T - 1;
  }
  return { nll: total, tokens };
}

export async function createPerplexityEvaluator(modelDir: string, threads?: number, adapterDir?: string): Promise<ExampleEvaluator> {
  const tokenizer = TextTokenizer.fromFolder(modelDir);
  const model = await CausalLM.load(modelDir, { intraOpNumThreads: threads, adapter: adapterDir });
  const nll = await createNllSession(model.vocabSize, threads);
  const width = model.spec.maxPositions;
  return {
    describe: { windowTokens: width, windowOverlap: 1, addSpecialTokens: true },
    async evaluate(items, firstIndex) {
      const out: EvalExample[] = [];
      for (const [b, item] of items.entries()) {
        const t0 = performance.now();
        const ids = tokenizer.encode(item.input);
        const loss = ids.length >= 2 ? await sequenceNll(model, nll, ids, width) : { nll: 0, tokens: 0 };
        const bytes = utf8Bytes(item.input);
        const scores: Record<string, number> = {};
        if (loss.tokens > 0) scores.perplexity = Math.exp(loss.nll / loss.tokens);
        if (loss.tokens > 0 && bytes > 0) scores.bits_per_byte = loss.nll / (Math.LN2 * bytes);
        out.push({
          index: firstIndex + b,
          id: item.id,
          input: item.input,
          references: [],
          prediction: '',
          scores,
          promptTokens: ids.length,
          truncatedTokens: 0,
          generatedTokens: 0,
          latencyMs: performance.now() - t0,
          nll: loss.nll,
          scoredTokens: loss.tokens,
          bytes,
        });
      }
      return out;
    },
    async release() {
      await nll.release();
      await model.release();
    },
  };
}
