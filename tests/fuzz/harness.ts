// The fuzz harness every reader of outside bytes is checked with. One property for all of them: given any
// bytes, the reader returns a result that passes the reader's own validity check, or throws one of the
// project's user-facing errors whose message names the file and the place (field, tensor, line, byte);
// never a TypeError/RangeError, never a case slower than CASE_MS, never ArrayBuffer growth beyond what the
// file's size justifies.
//
// In `npm test` each property runs a small fixed-seed sample (FUZZ_RUNS unset). `npm run fuzz`
// (tests/fuzz/run.mjs) sets FUZZ_RUNS high and a fresh FUZZ_SEED, and collects the per-reader summary each
// test file appends to FUZZ_SUMMARY.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 0);
/** The fixed seed of the sample in `npm test`; `npm run fuzz` passes a fresh one (printed, to replay). */
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261204;
/** Whether this is a long fuzz run (npm run fuzz) rather than the test suite's sample. */
export const LONG = FUZZ_RUNS > 0;
/** A single case slower than this is a hang (inputs are a few KiB; real readers take well under 100 ms). */
export const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 2000);
/** Per-test timeout for vitest. */
export const TEST_TIMEOUT = LONG ? 3_600_000 : 60_000;

/** Runs of one property: `sample` in the test suite; FUZZ_RUNS × `weight` in a long run (heavy readers weigh less). */
export function runs(sample: number, weight = 1): number {
  return LONG ? Math.max(1, Math.round(FUZZ_RUNS * weight)) : sample;
}

/** A counterexample, shown safely: fast-check's own printer recurses and overflows on deeply nested values. */
function showCase(value: unknown): string {
  const bytes = (v: Uint8Array) => `bytes(${v.length}) ${Buffer.from(v.subarray(0, 600)).toString('latin1')}${v.length > 600 ? '…' : ''}`;
  const show = (v: unknown): string => {
    if (v instanceof Uint8Array) return bytes(v);
    try {
      const text = JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? bytes(x) : x)) ?? String(v);
      return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
    } catch {
      return '(too deep to print)';
    }
  };
  return Array.isArray(value) ? value.map(show).join('\n') : show(value);
}

export function params<T>(sample: number, weight = 1): fc.Parameters<T> {
  return {
    numRuns: runs(sample, weight),
    seed: SEED,
    reporter: (d) => {
      if (!d.failed) return;
      const cause = d.errorInstance instanceof Error ? d.errorInstance : new Error(String(d.errorInstance));
      throw new Error(`property failed after ${d.numRuns} cases (seed ${d.seed}, path "${d.counterexamplePath}"; replay with FUZZ_SEED=${d.seed})\ncounterexample: ${showCase(d.counterexample)}\n${cause.message}`, { cause });
    },
  };
}

/** A scratch folder for one test file, removed after it (on /dev/shm when there is one: thousands of small writes). */
export function scratch(prefix: string): string {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, `lathe-fuzz-${prefix}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Tally {
  reader: string;
  cases: number;
  accepted: number;
  rejected: number;
  maxMs: number;
  totalMs: number;
}

const tallies = new Map<string, Tally>();
afterAll(() => {
  const rows = [...tallies.values()];
  for (const t of rows) {
    console.log(`fuzz ${t.reader}: ${t.cases} cases (${t.accepted} read, ${t.rejected} refused with a located error), slowest ${t.maxMs.toFixed(1)} ms, ${(t.totalMs / 1000).toFixed(1)} s in all, seed ${SEED}`);
  }
  const out = process.env.FUZZ_SUMMARY;
  if (out) for (const t of rows) fs.appendFileSync(out, `${JSON.stringify({ ...t, seed: SEED })}\n`);
});

export interface Expectation<R> {
  /** The reader's name in the summary. */
  reader: string;
  /** The file the error must name (a path or its base name). */
  file: string | string[];
  /** Size of the outside bytes (for the allocation bound). */
  bytes: number;
  /** What a located error looks like for this reader (beyond naming the file): field, tensor, line, byte… */
  place: RegExp;
  /** The user-facing error classes this reader may throw. */
  errors: readonly (abstract new (...args: never[]) => Error)[];
  /** Checks a successful result (throws when it is not valid). */
  valid?: (result: R) => void;
}

/** Bytes a reader may allocate: a few times the file (F16 → F32 doubles it, then copies) plus a fixed slack. */
function allocationBound(bytes: number): number {
  return 16 * bytes + 64 * 1024 * 1024;
}

/** Run one case of a reader and check the property; returns normally or throws a property failure. */
export async function expectReaderOutcome<R>(run: () => R | Promise<R>, e: Expectation<R>): Promise<void> {
  const tally = tallies.get(e.reader) ?? { reader: e.reader, cases: 0, accepted: 0, rejected: 0, maxMs: 0, totalMs: 0 };
  tallies.set(e.reader, tally);
  tally.cases++;
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let result: R | undefined;
  let error: unknown;
  let threw = false;
  try {
    result = await run();
  } catch (err) {
    threw = true;
    error = err;
  }
  const ms = performance.now() - t0;
  const grown = process.memoryUsage().arrayBuffers - before;
  tally.maxMs = Math.max(tally.maxMs, ms);
  tally.totalMs += ms;
  if (ms > CASE_MS) throw new Error(`${e.reader}: one case took ${ms.toFixed(0)} ms (bound ${CASE_MS} ms): a hang or a quadratic path`);
  if (grown > allocationBound(e.bytes)) throw new Error(`${e.reader}: ArrayBuffers grew by ${grown} bytes reading ${e.bytes} bytes`);
  if (!threw) {
    tally.accepted++;
    e.valid?.(result as R);
    return;
  }
  tally.rejected++;
  const err = error as Error;
  if (!e.errors.some((cls) => err instanceof cls)) {
    throw new Error(`${e.reader}: threw ${err?.constructor?.name ?? typeof err} instead of a user-facing error: ${err?.stack ?? String(err)}`);
  }
  const files = Array.isArray(e.file) ? e.file : [e.file];
  if (!files.some((f) => err.message.includes(f))) throw new Error(`${e.reader}: the error does not name the file (${files.join(' or ')}): ${err.message}`);
  if (!e.place.test(err.message)) throw new Error(`${e.reader}: the error does not say where (${e.place}): ${err.message}`);
}

/** Assert an async property with the harness's run count and seed. */
export async function check<T>(arb: fc.Arbitrary<T>, predicate: (v: T) => Promise<void>, sample: number, weight = 1): Promise<void> {
  const details = await fc.check(fc.asyncProperty(arb, predicate), params<[T]>(sample, weight));
  params<[T]>(sample, weight).reporter!(details);
  expect(details.failed).toBe(false);
}
