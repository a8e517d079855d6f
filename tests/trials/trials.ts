// One fault trial of a kind: a fresh copy of the base data directory, a seeded kill moment and target, the
// kind's checks; and the results table.
import fs from 'node:fs';
import path from 'node:path';
import { TARGETS, cloneDataDir, seededRandom, type TrialResult } from './common.ts';
import type { Fixture } from './fixture.ts';
import { evalTrial } from './trial-eval.ts';
import { finetuneTrial } from './trial-finetune.ts';
import { importTrial } from './trial-import.ts';

export const KINDS = ['import', 'finetune', 'eval'] as const;
export type TrialKind = (typeof KINDS)[number];

/** The seed of trial `trial` of `kind` under the run's master seed: printed, so one trial can be replayed. */
export const trialSeed = (master: number, kind: TrialKind, trial: number): number => (master + 1000 * (KINDS.indexOf(kind) + 1) + trial) >>> 0;

const referenceMs = (fx: Fixture, kind: TrialKind) => (kind === 'import' ? fx.import.ms : kind === 'finetune' ? fx.finetune.ms : fx.eval.ms);

/** Tries per trial: a work that ends before its kill moment is run again with a moment drawn within its measured length. */
const ATTEMPTS = 3;

export async function runTrial(fx: Fixture, kind: TrialKind, trial: number, seed: number): Promise<TrialResult & { notes: string[] }> {
  const random = seededRandom(seed);
  const target = TARGETS[trial % TARGETS.length];
  // uniform over 0.9 of the reference's work; the machine's load moves the end by more than 10%, so a work that
  // ends first (its checks still run, but on a finished run) is run again within 0.9 of its own measured length
  let windowMs = referenceMs(fx, kind);
  const t0 = Date.now();
  for (let attempt = 1; ; attempt++) {
    const atMs = Math.round(random() * windowMs * 0.9);
    const dataDir = cloneDataDir(fx.base, path.join(fx.work, `${kind}-${trial}`));
    try {
      const outcome =
        kind === 'import' ? { ...(await importTrial(fx, dataDir, target, atMs)), notes: [] as string[] }
        : kind === 'finetune' ? await finetuneTrial(fx, dataDir, target, atMs, trial)
        : { ...(await evalTrial(fx, dataDir, target, atMs, trial)), notes: [] as string[] };
      const passed = outcome.checks.every((c) => c.ok);
      if (outcome.kill.finishedFirst && passed && outcome.kill.workMs !== null && attempt < ATTEMPTS) {
        windowMs = outcome.kill.workMs;
        continue;
      }
      const notes = attempt > 1 ? [`attempt ${attempt}`, ...outcome.notes] : outcome.notes;
      return { kind, trial, seed, target, killedAtMs: outcome.kill.killedAtMs, phase: outcome.phase, checks: outcome.checks, notes, seconds: (Date.now() - t0) / 1000 };
    } catch (err) {
      return { kind, trial, seed, target, killedAtMs: atMs, phase: '?', checks: [{ name: 'trial ran', ok: false, detail: (err as Error).message.slice(0, 500) }], notes: [], seconds: (Date.now() - t0) / 1000 };
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

export function resultsTable(results: readonly (TrialResult & { notes?: string[] })[]): string {
  const rows = [['kind', 'trial', 'seed', 'killed', 'kill at', 'phase reached', 'checks']];
  for (const r of results) {
    const failed = r.checks.filter((c) => !c.ok);
    rows.push([
      r.kind,
      String(r.trial),
      String(r.seed),
      r.target,
      r.killedAtMs === null ? 'after end' : `${r.killedAtMs} ms`,
      r.phase,
      (failed.length === 0 ? `all ${r.checks.length} ok` : failed.map((c) => `FAIL ${c.name}: ${c.detail ?? ''}`).join(' | ')) + (r.notes?.length ? ` (${r.notes.join('; ')})` : ''),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (c === 6 ? 0 : row[c].length))));
  return rows.map((row) => row.map((cell, c) => (c === 6 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
