// A grown data directory (docs/benchmarks.md, "Scale"): what a page asks for stays bounded however long the runs
// are, thinning keeps the points a person looks for (ends, lowest, highest), and the queries every run page makes
// use an index instead of scanning a table that grows with every run. Sizes and query plans, never timings.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { downsampleMinMax } from '../../native/api/downsample.ts';
import { savePredictions, predictionsPath } from '../../native/eval/predictions.ts';
import type { Store } from '../../native/store/db.ts';
import { Studio } from '../../native/studio/studio.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-scale-');

const STEPS = 2000;
const SPIKE_STEP = 777;
const lossAt = (step: number) => (step === SPIKE_STEP ? 9 : 3 * Math.exp(-step / 400) + 0.5 + 0.05 * Math.sin(step * 1.7));

/** A training run as the loop records it: loss, lr and grad_norm at every step, one loss spike. */
function longRun(store: Store): string {
  const run = store.runs.create({ kind: 'finetune', name: 'long', status: 'succeeded', config: {} });
  const insert = store.db.prepare('INSERT INTO run_metrics (run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)');
  store.transaction(() => {
    for (let step = 1; step <= STEPS; step++) {
      insert.run(run.id, step, 'loss', lossAt(step), 't');
      insert.run(run.id, step, 'lr', 1e-3 * Math.min(1, step / 100), 't');
      insert.run(run.id, step, 'grad_norm', 1 + Math.cos(step), 't');
    }
  });
  return run.id;
}

describe('downsampleMinMax', () => {
  const points = Array.from({ length: 10_000 }, (_, i) => ({ step: i, value: i === 4321 ? 100 : i === 8765 ? -100 : Math.sin(i / 50) }));

  it('keeps at most the asked number of points, in order, with both ends and the extremes', () => {
    const kept = downsampleMinMax(points, 300, (p) => p.value);
    expect(kept.length).toBeLessThanOrEqual(300);
    expect(kept.length).toBeGreaterThan(250);
    expect(kept[0]).toBe(points[0]);
    expect(kept.at(-1)).toBe(points.at(-1));
    expect(kept.map((p) => p.step)).toEqual([...kept.map((p) => p.step)].sort((a, b) => a - b));
    expect(kept.map((p) => p.step)).toContain(4321);
    expect(kept.map((p) => p.step)).toContain(8765);
  });

  it('returns a short series whole', () => {
    expect(downsampleMinMax(points.slice(0, 50), 300, (p) => p.value)).toEqual(points.slice(0, 50));
  });
});

describe('runs.metrics on a long run', () => {
  it('thins each series to maxPoints and keeps the first, the last, the lowest and the spike', async () => {
    const dir = tempDir();
    const store = open(dir);
    const runId = longRun(store);
    store.close();
    const studio = new Studio({ dataDir: dir, mode: 'serve' });
    try {
      const all = await studio.call('runs.metrics', { id: runId });
      expect(all).toHaveLength(3 * STEPS);
      const thinned = await studio.call('runs.metrics', { id: runId, maxPoints: 500 });
      expect(thinned.length).toBeLessThanOrEqual(3 * 500);
      const loss = thinned.filter((m) => m.name === 'loss');
      const full = all.filter((m) => m.name === 'loss');
      expect(loss.length).toBeLessThanOrEqual(500);
      expect(loss[0].step).toBe(1);
      expect(loss.at(-1)!.step).toBe(STEPS);
      expect(Math.max(...loss.map((m) => m.value))).toBe(Math.max(...full.map((m) => m.value)));
      expect(Math.min(...loss.map((m) => m.value))).toBe(Math.min(...full.map((m) => m.value)));
      expect(loss.map((m) => m.step)).toContain(SPIKE_STEP);
      expect(thinned.filter((m) => m.name === 'lr').at(-1)!.value).toBe(1e-3);
    } finally {
      await studio.close();
    }
  });

  it('compares training runs by their latest values, read one per metric', () => {
    const store = open(tempDir());
    const runId = longRun(store);
    store.runs.addMetric({ runId, step: STEPS, name: 'loss', value: 0.25 }); // a resumed run's re-recorded last step wins
    const latest = store.runs.latestMetrics(runId);
    expect(latest.map((m) => [m.name, m.step])).toEqual([['grad_norm', STEPS], ['loss', STEPS], ['lr', STEPS]]);
    expect(latest.find((m) => m.name === 'loss')!.value).toBe(0.25);
  });
});

describe('eval.examples on a long evaluation', () => {
  it('parses only the page asked for: a damaged line elsewhere in the file does not stop it, and is named on its own page', async () => {
    const dir = tempDir();
    const store = open(dir);
    const run = store.runs.create({ kind: 'evaluation', name: 'long eval', status: 'succeeded', config: {} });
    const examples = Array.from({ length: 1500 }, (_, i) => ({
      index: i, id: `test:${i}`, input: `dialogue ${i}`, references: [`summary ${i}`], prediction: `guess ${i}`, scores: { rougeL: i / 1500 },
      promptTokens: 10, truncatedTokens: 0, generatedTokens: 5, latencyMs: 1,
    }));
    await savePredictions(store, dir, run.id, examples);
    store.close();
    const file = predictionsPath(dir, run.id);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[999] = '{"index": 999, "broken';
    fs.writeFileSync(file, lines.join('\n'));
    const studio = new Studio({ dataDir: dir, mode: 'serve' });
    try {
      const page = await studio.call('eval.examples', { id: run.id, offset: 10, limit: 3 });
      expect(page.total).toBe(1500);
      expect(page.rows.map((e) => e.id)).toEqual(['test:10', 'test:11', 'test:12']);
      await expect(studio.call('eval.examples', { id: run.id, offset: 990, limit: 20 })).rejects.toMatchObject({ message: expect.stringContaining(`${file}:1000: not valid JSON`) });
    } finally {
      await studio.close();
    }
  });
});

describe('query plans on a grown store', () => {
  const plan = (store: Store, sql: string, ...args: unknown[]) =>
    (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');

  it("find a run's jobs and the newest jobs through an index", () => {
    const store = open(tempDir());
    expect(plan(store, 'SELECT * FROM jobs WHERE run_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?', 'run_x', 50)).toMatch(/SEARCH jobs USING INDEX jobs_run/);
    expect(plan(store, 'SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?', 100)).not.toMatch(/SCAN jobs\b(?! USING)/);
  });

  it('delete a run without scanning the jobs and runs that may point at it', () => {
    const store = open(tempDir());
    const deletePlan = plan(store, 'DELETE FROM runs WHERE id = ?', 'run_x');
    expect(deletePlan).not.toMatch(/SCAN (jobs|runs)\b/);
    expect(deletePlan).toMatch(/jobs_run/);
    expect(deletePlan).toMatch(/runs_parent/);
  });

  it("read a run's latest metrics through the (run_id, name, step) index", () => {
    const store = open(tempDir());
    const latestPlan = plan(store, `SELECT m.value FROM (SELECT DISTINCT name FROM run_metrics WHERE run_id = ?) AS n
       JOIN run_metrics AS m ON m.rowid = (SELECT rowid FROM run_metrics WHERE run_id = ? AND name = n.name ORDER BY step DESC, rowid DESC LIMIT 1)`, 'r', 'r');
    expect(latestPlan).not.toMatch(/SCAN run_metrics\b(?! USING)/);
    expect(latestPlan).toMatch(/run_metrics_run/);
  });
});
