// CLI start-up: wall time of `lathe` commands that do little work (help, listing an empty data directory) against
// bare `node -e 0`, the floor any command pays. Rounds are interleaved (every command once per round, the order
// rotated) so a load change on a shared machine hits all commands alike; min and median per command, and the median
// over bare node's median.
//   npm run bench:cli-startup -- [--rounds N] [--baseline DIR]
// --baseline DIR: a second checkout timed in the same rounds, for before/after side by side, e.g.
//   git worktree add --detach /tmp/lathe-base main && ln -s "$PWD/node_modules" /tmp/lathe-base/node_modules
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(flag('--rounds') ?? 9);
const baseline = flag('--baseline');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const COMMANDS: { name: string; args: string[] }[] = [
  { name: 'lathe --help', args: ['--help'] },
  { name: 'lathe runs list', args: ['runs', 'list'] },
  { name: 'lathe dataset list', args: ['dataset', 'list'] },
];

interface Case { label: string; checkout: string; argv: string[]; env: NodeJS.ProcessEnv; times: number[] }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-startup-'));
const checkouts = [{ label: 'this', dir: path.resolve(import.meta.dirname, '..') }, ...(baseline ? [{ label: 'baseline', dir: path.resolve(baseline) }] : [])];
const cases: Case[] = [{ label: 'node -e 0', checkout: '-', argv: ['-e', '0'], env: process.env, times: [] }];
for (const c of checkouts) {
  // an empty data directory per checkout: the first (untimed) run creates and migrates it, as a user's first command does
  const env = { ...process.env, LATHE_DATA_DIR: path.join(tmp, c.label) };
  for (const cmd of COMMANDS) cases.push({ label: cmd.name, checkout: c.label, argv: [path.join(c.dir, 'bin/lathe.mjs'), ...cmd.args], env, times: [] });
}

function time(c: Case): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, c.argv, { env: c.env, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${c.label} (${c.checkout}) exited ${r.status}: ${r.stderr}`);
  return ms;
}

try {
  for (const c of cases) time(c); // warm-up: tsx's transform cache, the page cache, the data directories
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length];
      c.times.push(time(c));
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const floor = median(cases[0].times);
const rows = cases.map((c) => ({ command: c.label, checkout: c.checkout, minMs: Math.round(Math.min(...c.times)), medianMs: Math.round(median(c.times)), overNode: +(median(c.times) / floor).toFixed(1) }));
const w = Math.max(...rows.map((r) => r.command.length));
console.log(`${rounds} interleaved rounds, ${os.availableParallelism()} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${'command'.padEnd(w)}  checkout  min ms  median ms  median/node`);
for (const r of rows) console.log(`${r.command.padEnd(w)}  ${r.checkout.padEnd(8)}  ${String(r.minMs).padStart(6)}  ${String(r.medianMs).padStart(9)}  ${r.overNode.toFixed(1).padStart(11)}`);
console.log(JSON.stringify({ bench: 'cli-startup', rounds, rows }));
