// The rollout table of a PPO run, one JSON file per iteration under <runDir>/rollouts/: step-000012.json holds
// { step, klCoef, train: [{ prompt, completion, score, kl, tokens }], heldout: [...] | null } (RolloutTable in
// native/api/align.ts; heldout on the iterations that evaluated, and at step 0: the policy before training). Each file
// is written atomically; a resumed run drops the tables after its checkpoint, as it drops those steps' metrics.
import fs from 'node:fs';
import path from 'node:path';
import type { RolloutTable } from '../api/align.ts';
import { writeJsonAtomic } from '../models/atomic.ts';

export const ROLLOUTS_DIR = 'rollouts';

const fileOf = (runDir: string, step: number) => path.join(runDir, ROLLOUTS_DIR, `step-${String(step).padStart(6, '0')}.json`);
const stepOf = (name: string): number | null => (/^step-(\d+)\.json$/.exec(name) ? Number(name.slice(5, -5)) : null);

export async function writeRolloutTable(runDir: string, table: RolloutTable): Promise<void> {
  fs.mkdirSync(path.join(runDir, ROLLOUTS_DIR), { recursive: true });
  await writeJsonAtomic(fileOf(runDir, table.step), table);
}

/** The steps that have a table, in order. */
export function rolloutSteps(runDir: string): number[] {
  const dir = path.join(runDir, ROLLOUTS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map(stepOf).filter((s): s is number => s !== null).sort((a, b) => a - b);
}

export function readRolloutTable(runDir: string, step: number): RolloutTable | null {
  const file = fileOf(runDir, step);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RolloutTable) : null;
}

/** Remove the tables of steps after `step` (written by an attempt that was stopped before its next checkpoint). */
export function dropRolloutTablesAfter(runDir: string, step: number): void {
  for (const s of rolloutSteps(runDir)) if (s > step) fs.rmSync(fileOf(runDir, s), { force: true });
}
