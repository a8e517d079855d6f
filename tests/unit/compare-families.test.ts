// runs.compare (and `lathe runs compare`) takes evaluations with evaluations, training runs with training runs.
// An evaluation beside a fine-tune once printed 'tokens_per_second 85.05 | 13704.44 *': generation speed against
// training throughput, the fine-tune marked best.
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../native/eval/compare.ts';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-compare-families-');

function finished(store: Store, kind: string, tokensPerSecond: number) {
  const run = store.runs.create({ kind, name: `${kind} run`, config: {} });
  store.runs.setStatus(run.id, 'running');
  store.runs.addMetric({ runId: run.id, step: 1, name: 'tokens_per_second', value: tokensPerSecond });
  store.runs.setStatus(run.id, 'succeeded');
  return run;
}

describe('comparing runs of different families', () => {
  it('refuses an evaluation beside a training run, naming both', () => {
    const store = open(tempDir());
    const evaluation = finished(store, 'evaluation', 85);
    const finetune = finished(store, 'finetune', 13704);
    expect(() => compareRuns(store, [evaluation.id, finetune.id])).toThrow(
      `run ${finetune.id} is a finetune run and run ${evaluation.id} an evaluation: compare evaluations with evaluations, or training runs with training runs`);
  });

  it('compares evaluations together, and training runs together', () => {
    const store = open(tempDir());
    const [e1, e2] = [finished(store, 'evaluation', 85), finished(store, 'evaluation', 698)];
    const [f1, f2] = [finished(store, 'finetune', 13704), finished(store, 'dpo', 9000)];
    // each run's kind comes with it: the Compare page draws an evaluation's views or a training run's from it
    expect(compareRuns(store, [e1.id, e2.id]).runs.map((r) => r.kind)).toEqual(['evaluation', 'evaluation']);
    expect(compareRuns(store, [f1.id, f2.id]).runs.map((r) => r.kind)).toEqual(['finetune', 'dpo']);
  });
});
