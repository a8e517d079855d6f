// A writer killed mid-write leaves its temporary sibling (`<target>.tmp-<pid>-<hex>`): a checkpoint folder, an
// adapter, a predictions file. The sweep removes those whose writer is gone and leaves a live writer's alone; a
// training run sweeps its folder when it starts or resumes, and a studio the run folders when it opens.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepAbandonedTemporaries } from '../../native/models/atomic.ts';
import { Studio } from '../../native/studio/studio.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A pid that no process holds: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function runFolder(): { root: string; run: string; dead: string[]; kept: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-sweep-'));
  roots.push(root);
  const run = path.join(root, 'runs', 'run_x');
  const gone = deadPid();
  const dead = [path.join(run, 'checkpoints', `step-20.tmp-${gone}-0a1b2c3d`), path.join(run, `adapter.tmp-${gone}-deadbeef`), path.join(run, `predictions.jsonl.tmp-${gone}-01234567`)];
  const kept = [path.join(run, 'checkpoints', 'step-10'), path.join(run, 'checkpoints', `step-30.tmp-${process.pid}-89abcdef`), path.join(run, 'notes.tmp-12-x')];
  for (const p of [...dead, ...kept]) {
    if (p.includes('predictions')) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, '{"half":');
    } else fs.mkdirSync(p, { recursive: true });
  }
  return { root, run, dead, kept };
}

describe('sweeping the temporaries of killed writers', () => {
  it('removes those whose writer died and keeps a live writer\'s and everything else', () => {
    const { run, dead, kept } = runFolder();
    expect(sweepAbandonedTemporaries(run, 3).sort()).toEqual([...dead].sort());
    for (const p of dead) expect(fs.existsSync(p)).toBe(false);
    for (const p of kept) expect(fs.existsSync(p)).toBe(true);
  });

  it('stops at the depth it is given and shrugs at a folder that does not exist', () => {
    const { run, dead } = runFolder();
    expect(sweepAbandonedTemporaries(run, 1).sort()).toEqual(dead.filter((p) => !p.includes('checkpoints')).sort());
    expect(fs.existsSync(dead[0])).toBe(true);
    expect(sweepAbandonedTemporaries(path.join(run, 'missing'), 3)).toEqual([]);
  });

  it('runs when a studio opens its data directory', async () => {
    const { root, dead } = runFolder();
    const studio = new Studio({ dataDir: root, mode: 'serve' });
    await studio.close();
    for (const p of dead) expect(fs.existsSync(p)).toBe(false);
  });
});
