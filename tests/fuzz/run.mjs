#!/usr/bin/env node
// `npm run fuzz`: every reader's fuzz property with FUZZ_RUNS cases (default 10000 per property; the slow
// end-to-end ones run a fraction, see the weights in tests/fuzz/*.test.ts) and a fresh seed, then one table
// of what ran. Replay a failure with the seed it prints: FUZZ_SEED=<seed> npm run fuzz.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const runs = process.env.FUZZ_RUNS ?? '10000';
const seed = process.env.FUZZ_SEED ?? String(Date.now() % 2 ** 31);
const summary = path.join(os.tmpdir(), `lathe-fuzz-summary-${process.pid}.jsonl`);
const t0 = Date.now();
console.log(`fuzz: FUZZ_RUNS=${runs} FUZZ_SEED=${seed}`);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'tests/fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed, FUZZ_SUMMARY: summary },
});
const wall = (Date.now() - t0) / 1000;

const rows = fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
fs.rmSync(summary, { force: true });
const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log(`\n${pad('reader', 32)}${num('cases', 8)}${num('read', 8)}${num('refused', 9)}${num('slowest ms', 12)}${num('reader s', 10)}`);
for (const t of rows) console.log(`${pad(t.reader, 32)}${num(t.cases, 8)}${num(t.accepted, 8)}${num(t.rejected, 9)}${num(t.maxMs.toFixed(1), 12)}${num((t.totalMs / 1000).toFixed(1), 10)}`);
const total = rows.reduce((s, t) => s + t.cases, 0);
console.log(`${pad('total', 32)}${num(total, 8)}   in ${wall.toFixed(0)} s wall, seed ${seed}, ${r.status === 0 ? 'no failures' : 'FAILED (see above)'}`);
process.exit(r.status ?? 1);
