// A judged evaluation's generated tokens/s is the generation's, as its latency is: the judge's time was counted as
// generating, so a judged run read several times slower than the same run unjudged, and Compare marked the unjudged
// one faster. The generation evaluator and the judge are replaced by ones of known pace (20 ms and 200 ms an example).
import { describe, expect, it, vi } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import type { EvalItem } from '../../native/eval/runner-data.ts';
import type { ExampleEvaluator } from '../../native/eval/runner-generation.ts';
import { runEvaluation } from '../../native/eval/runner.ts';
import { importWriterAndRows } from '../fixtures/models/judge-fixture.ts';
import { tempStores } from './temp-stores.ts';

const GENERATE_MS = 20;
const JUDGE_MS = 200;
const TOKENS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

vi.mock('../../native/eval/runner-generation.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../native/eval/runner-generation.ts')>()),
  createGenerationEvaluator: async (): Promise<ExampleEvaluator> => ({
    describe: {},
    async evaluate(items: EvalItem[], firstIndex: number): Promise<EvalExample[]> {
      await sleep(GENERATE_MS * items.length);
      return items.map((item, b) => ({
        index: firstIndex + b, id: item.id, input: item.input, references: item.references, prediction: 'a', scores: { rougeL: 0 },
        promptTokens: 1, truncatedTokens: 0, generatedTokens: TOKENS, latencyMs: GENERATE_MS,
      }));
    },
    release: async () => {},
  }),
}));

vi.mock('../../native/eval/runner-judge.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../native/eval/runner-judge.ts')>()),
  withJudge: async (inner: ExampleEvaluator): Promise<ExampleEvaluator> => ({
    ...inner,
    async evaluate(items, firstIndex) {
      const out: EvalExample[] = [];
      for (const example of await inner.evaluate(items, firstIndex)) {
        const t0 = performance.now();
        await sleep(JUDGE_MS);
        const judge = { mode: 'pointwise', verdicts: [], expected: 3, truncatedChars: 0, latencyMs: performance.now() - t0 } as unknown as EvalExample['judge'];
        out.push({ ...example, judge, scores: { ...example.scores, judge: 0.5 } });
      }
      return out;
    },
  }),
}));

const { tempDir, open } = tempStores('lathe-eval-timing-');

describe('an evaluation’s throughput', () => {
  it('leaves the judge’s time out of generated tokens/s', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    const src = tempDir();
    await importWriterAndRows(store, dataDir, src, 6);

    const run = (judged: boolean) => runEvaluation({ model: 'writer', dataset: 'rows', split: 'test', metrics: judged ? ['rougeL', 'judge'] : ['rougeL'], ...(judged ? { judge: { model: 'writer' } } : {}) }, { store, dataDir });
    const plain = (await run(false)).timing.tokensPerSecond!;
    const judged = (await run(true)).timing.tokensPerSecond!;
    expect(plain).toBeLessThanOrEqual(TOKENS / (GENERATE_MS / 1000)); // at most 200 tokens/s
    expect(judged).toBeGreaterThan(plain / 2); // before: about a tenth of it (4 tokens in 220 ms an example)
  });
});
