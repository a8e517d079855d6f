// An evaluation's time left is estimated at the pace after its first batch: the first batch pays the warm-up (first
// session runs, compiled code paths), and an estimate from it alone said 13 s left where 4 were (stories260K, batches of one).
// The generation evaluator is replaced here by one whose first batch is slow, as a cold model's is.
import { describe, expect, it, vi } from 'vitest';
import type { EvalExample } from '../../native/api/eval.ts';
import type { EvalItem } from '../../native/eval/runner-data.ts';
import { runEvaluation, type EvalProgress } from '../../native/eval/runner.ts';
import { steadyEtaSeconds } from '../../native/jobs/eta.ts';
import { importWriterAndRows } from '../fixtures/models/judge-fixture.ts';
import { tempStores } from './temp-stores.ts';

const WARM_UP_MS = 800;
const STEADY_MS = 2;

vi.mock('../../native/eval/runner-generation.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../native/eval/runner-generation.ts')>();
  let batches = 0;
  return {
    ...original,
    createGenerationEvaluator: async () => ({
      describe: {},
      async evaluate(items: EvalItem[], firstIndex: number): Promise<EvalExample[]> {
        await new Promise((resolve) => setTimeout(resolve, batches++ === 0 ? WARM_UP_MS : STEADY_MS));
        return items.map((item, b) => ({
          index: firstIndex + b, id: item.id, input: item.input, references: item.references, prediction: 'a', scores: { rougeL: 0 },
          promptTokens: 1, truncatedTokens: 0, generatedTokens: 1, latencyMs: 1,
        }));
      },
      release: async () => {},
    }),
  };
});

const { tempDir, open } = tempStores('lathe-eval-eta-');

describe('time left in an evaluation', () => {
  it('is unknown after the first batch, then the pace since it times the rest', () => {
    const warm = { done: 1, at: 1000 };
    expect(steadyEtaSeconds(warm, 1000, 1, 41)).toBeNull();
    expect(steadyEtaSeconds(warm, 1200, 3, 41)).toBe(4); // 0.1 s an example, 38 left
    expect(steadyEtaSeconds({ done: 4, at: 0 }, 500, 8, 16)).toBe(1); // batches of 4: 0.125 s an example, 8 left
    expect(steadyEtaSeconds(warm, 1200, 41, 41)).toBe(0);
  });

  it('leaves the first batch’s warm-up out of what runEvaluation reports', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    const src = tempDir();
    await importWriterAndRows(store, dataDir, src, 10);

    const reports: EvalProgress[] = [];
    await runEvaluation({ model: 'writer', dataset: 'rows', split: 'test', metrics: ['rougeL'] }, { store, dataDir, onProgress: (p) => reports.push(p) });
    expect(reports[0]).toMatchObject({ done: 1, total: 10, etaSeconds: null }); // before: 7 (0.8 s × 9), for well under a second left
    expect(reports.at(-1)).toMatchObject({ done: 10, etaSeconds: 0 });
    for (const r of reports) expect(r.etaSeconds ?? 0).toBeLessThanOrEqual(1);
  });
});
