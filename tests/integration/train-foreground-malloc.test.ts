// A foreground `lathe train` on Linux trains with the job workers' malloc settings: glibc reads GLIBC_TUNABLES only
// at start, so bin/lathe.mjs runs the command again in a child that has them, and passes its exit status on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REUSED_HEAP_TUNABLES } from '../../native/jobs/reused-heap.ts';
import { LATHE_BIN, ROOT, tempDir } from './helpers/lathe.ts';

const dir = tempDir('foreground-malloc');
// loaded before anything else in every node process of the command: says which process it is and what it was given
const report = path.join(dir, 'report-env.mjs');
fs.writeFileSync(report, 'process.stderr.write(`process ${process.pid} parent ${process.ppid} tunables ${process.env.GLIBC_TUNABLES ?? ""}\\n`);\n');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { GLIBC_TUNABLES: _, ...clean } = process.env;
  const r = spawnSync(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...clean, LATHE_DATA_DIR: dir, NODE_OPTIONS: `--import=${report}`, ...env } });
  const processes = [...r.stderr.matchAll(/^process (\d+) parent (\d+) tunables (.*)$/gm)].map((m) => ({ pid: Number(m[1]), parent: Number(m[2]), tunables: m[3] }));
  return { code: r.status, stderr: r.stderr, processes };
}

describe.skipIf(process.platform !== 'linux')('foreground training and the malloc settings', () => {
  it('runs lathe train again once, in a child with the tunables, and exits with its status', () => {
    const r = run(['train', '--resume', 'run_missing']);
    expect(r.processes, r.stderr).toHaveLength(2);
    const [wrapper, trainer] = r.processes;
    expect(wrapper.tunables).toBe('');
    expect(trainer.parent).toBe(wrapper.pid);
    expect(trainer.tunables.split(':')).toEqual(expect.arrayContaining(REUSED_HEAP_TUNABLES));
    expect(r.stderr).toContain('run run_missing does not exist');
    expect(r.code).toBe(run(['train', '--resume', 'run_missing'], { LATHE_MALLOC_TUNING: '0' }).code);
  });

  it('runs in one process when the settings are turned off, and for commands that do not train', () => {
    expect(run(['train', '--resume', 'run_missing'], { LATHE_MALLOC_TUNING: '0' }).processes).toHaveLength(1);
    expect(run(['runs', 'list']).processes).toHaveLength(1);
  });
});
