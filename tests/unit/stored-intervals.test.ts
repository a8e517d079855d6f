// An evaluation stored before proportions got Wilson's interval recorded a bootstrap interval for accuracy: 0 of 20
// right stored 0–0, 20 of 20 stored 1–1. Every reader labels a proportion's interval Wilson's and judges by it (the
// scorecard's "whole interval clears the target", Compare's best), so each reads Wilson's from the value and the
// run's scored examples instead of the stored ends: summary, compare, scorecard, the runs page's figures and
// `lathe runs metrics` alike.
import { describe, expect, it } from 'vitest';
import { recordedInterval } from '../../native/api/intervals.ts';
import { compareRuns } from '../../native/eval/compare.ts';
import { projectScorecard } from '../../native/eval/scorecard.ts';
import { evaluationSummary } from '../../native/eval/summary.ts';
import type { Store } from '../../native/store/db.ts';
import { runFigures } from '../../renderer/src/pages/runs/runFigures.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

/** Wilson's 95% interval for 7 of 25 and 15 of 22, computed by hand (z = 1.959964) to check recordedInterval against. */
const WILSON_7_25 = [0.142839, 0.475766] as const;
const WILSON_15_22 = [0.473186, 0.836394] as const;

const { tempDir, open } = tempStores('lathe-stored-intervals-');

/** A finished evaluation as one before Wilson's stored it: accuracy with its bootstrap ends, and the examples scored. */
function oldRun(store: Store, projectId: string, name: string, values: Record<string, number>) {
  const run = store.runs.create({ kind: 'evaluation', name, projectId, config: { metrics: ['accuracy', 'rouge1'], split: 'test' } });
  store.runs.setStatus(run.id, 'running');
  for (const [metric, value] of Object.entries(values)) store.runs.addMetric({ runId: run.id, step: 20, name: metric, value });
  store.runs.setStatus(run.id, 'succeeded');
  return run;
}

const none = { accuracy: 0, 'accuracy.ci95_low': 0, 'accuracy.ci95_high': 0, rouge1: 0.2, 'rouge1.ci95_low': 0.1, 'rouge1.ci95_high': 0.3, examples: 20 };
const all = { accuracy: 1, 'accuracy.ci95_low': 1, 'accuracy.ci95_high': 1, rouge1: 0.9, 'rouge1.ci95_low': 0.85, 'rouge1.ci95_high': 0.95, examples: 20 };

describe('intervals of stored evaluations', () => {
  it('reads Wilson’s interval for a proportion, whatever interval the run stored, and the stored one for the rest', () => {
    const dir = tempDir();
    const store = open(dir);
    const project = store.projects.create({ name: 'P', task: 'classification', metric: 'accuracy', target: 0.9 });
    const zero = oldRun(store, project.id, 'none right', none);
    const twenty = oldRun(store, project.id, 'all right', all);

    const summary = evaluationSummary(store, dir, zero.id).metrics;
    expect(summary.find((m) => m.name === 'accuracy')!.ci95).toEqual({ low: 0, high: expect.closeTo(0.1611, 4) });
    expect(summary.find((m) => m.name === 'rouge1')!.ci95).toEqual({ low: 0.1, high: 0.3 }); // bootstrap, as stored

    const compared = compareRuns(store, [zero.id, twenty.id]).metrics.find((m) => m.name === 'accuracy')!;
    expect(compared.values.map((v) => v!.ci95)).toEqual([{ low: 0, high: expect.closeTo(0.1611, 4) }, { low: expect.closeTo(0.8389, 4), high: 1 }]);

    // 20 of 20 stored 1–1, which cleared a 0.9 target "with confidence"; Wilson's low end 0.839 does not
    const card = projectScorecard(store, project.id);
    expect(card.best).toMatchObject({ runId: twenty.id, value: 1, ci95: { low: expect.closeTo(0.8389, 4), high: 1 } });
    expect(card.passesWithConfidence).toBe(false);

    const figures = runFigures(Object.keys(none), (name) => none[name as keyof typeof none]);
    expect(figures.find((f) => f.name === 'accuracy')!.note).toBe('95% CI 0.000–0.161');
  });

  it('keeps the stored interval where the run recorded no examples count, or the value is not k of them', () => {
    const stored = { 'accuracy.ci95_low': 0.2, 'accuracy.ci95_high': 0.4 } as Record<string, number>;
    expect(recordedInterval('accuracy', 0.3, (n) => stored[n])).toEqual({ low: 0.2, high: 0.4 });
    expect(recordedInterval('accuracy', 0.3333, (n) => ({ ...stored, examples: 20 })[n])).toEqual({ low: 0.2, high: 0.4 });
    expect(recordedInterval('accuracy', 0.3, (n) => ({ examples: 20 } as Record<string, number>)[n])).toEqual({ low: expect.closeTo(0.1455, 4), high: expect.closeTo(0.5190, 4) });
    expect(recordedInterval('rouge1', 0.3, (n) => ({ examples: 20 } as Record<string, number>)[n])).toBeNull();
  });

  it('reads k of n where value × n misses the whole number by float rounding (7 of 25 as 0.28, 15 of 22 as 15/22)', () => {
    const noStored = (examples: number) => (n: string) => ({ examples } as Record<string, number>)[n];
    expect(0.28 * 25).not.toBe(7); // 7.000000000000001: an exact test would fall back to the stored ends
    expect((15 / 22) * 22).not.toBe(15); // 14.999999999999998
    expect(recordedInterval('accuracy', 0.28, noStored(25))).toEqual({ low: expect.closeTo(WILSON_7_25[0], 6), high: expect.closeTo(WILSON_7_25[1], 6) });
    expect(recordedInterval('exact_match', 15 / 22, noStored(22))).toEqual({ low: expect.closeTo(WILSON_15_22[0], 6), high: expect.closeTo(WILSON_15_22[1], 6) });
  });
});

describe('lathe runs metrics of a stored evaluation', () => {
  /** The table's rows as name → value (the VALUE column, as printed). */
  const rows = (stdout: string) => Object.fromEntries(stdout.split('\n').slice(1).filter((l) => /\s{2,}/.test(l)).map((l) => l.split(/\s{2,}/)).map(([name, , value]) => [name, value]));

  it("prints a proportion's Wilson ends where the run stored bootstrap ones, and every other metric's ends as stored", async () => {
    const dir = tempDir();
    const store = open(dir);
    const project = store.projects.create({ name: 'P', task: 'classification', metric: 'accuracy', target: 0.9 });
    const zero = oldRun(store, project.id, 'none right', none);

    const text = await latheInProcess(['runs', 'metrics', zero.id], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(rows(text.stdout)).toMatchObject({ accuracy: '0', 'accuracy.ci95_low': '0', 'accuracy.ci95_high': '0.1611', 'rouge1.ci95_low': '0.1', 'rouge1.ci95_high': '0.3' });
    expect(text.stdout).toContain("accuracy: interval ends are Wilson's, read from the value and the examples scored");
    expect(text.stdout).not.toMatch(/rouge1: interval ends/);

    const json = JSON.parse((await latheInProcess(['runs', 'metrics', zero.id, '--json'], dir)).stdout) as { name: string; value: number; stored?: number }[];
    const byName = Object.fromEntries(json.map((m) => [m.name, m]));
    expect(byName['accuracy.ci95_high']).toMatchObject({ value: expect.closeTo(0.1611, 4), stored: 0 });
    expect(byName['accuracy.ci95_low']).toMatchObject({ value: 0 });
    expect(byName['accuracy.ci95_low'].stored).toBeUndefined(); // Wilson's low end of 0 of 20 is the stored 0
    expect(byName['rouge1.ci95_high']).toEqual(expect.objectContaining({ value: 0.3 }));
    expect(byName['rouge1.ci95_high'].stored).toBeUndefined();
    // the same interval the summary (lathe runs show, the studio) reads
    expect(evaluationSummary(store, dir, zero.id).metrics.find((m) => m.name === 'accuracy')!.ci95!.high).toBe(byName['accuracy.ci95_high'].value);
  });

  it('reads the Wilson end from the run’s value and examples where --name shows the end alone', async () => {
    const dir = tempDir();
    const store = open(dir);
    const project = store.projects.create({ name: 'P', task: 'classification', metric: 'accuracy', target: 0.9 });
    const twenty = oldRun(store, project.id, 'all right', all);
    const text = await latheInProcess(['runs', 'metrics', twenty.id, '--name', 'accuracy.ci95_low'], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(rows(text.stdout)).toEqual({ 'accuracy.ci95_low': '0.8389' });
    const kept = await latheInProcess(['runs', 'metrics', twenty.id, '--name', 'rouge1.ci95_low'], dir);
    expect(rows(kept.stdout)).toEqual({ 'rouge1.ci95_low': '0.85' });
    expect(kept.stdout).not.toContain('interval ends are');
  });
});
