// SIGTERM to `lathe dataset import` exited 130, the SIGINT code; the long foreground commands (dataset and model
// imports, eval, docs add and docs eval) now share one handler (native/cli/cancel.ts) that answers 128 + the signal's
// number and cancels the work through its AbortSignal, so its temporary files go whichever signal came. It says at
// once that it heard, as export, merge and quantize did alone: the imports said nothing until their work had stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../native/cli.ts';
import { cancelOnSignals, type CancelSignal } from '../../native/cli/cancel.ts';
import { openStore } from '../../native/store/db.ts';
import { ACKNOWLEDGED, stderrOf } from './stderr-capture.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-cancel-signals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

type Listener = (...args: unknown[]) => void;
const listening = (signal: CancelSignal) => new Set(process.listeners(signal) as Listener[]);

/** Deliver `signal` to the listeners added since `before` (only those: the test runner may listen too). */
function deliver(signal: CancelSignal, before: Set<Listener>): number {
  const added = (process.listeners(signal) as Listener[]).filter((l) => !before.has(l));
  for (const listener of added) listener(signal);
  return added.length;
}

describe('cancelOnSignals', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s aborts once, says so at once and answers %d; release stops listening', async (signal, code) => {
    const before = { SIGINT: listening('SIGINT'), SIGTERM: listening('SIGTERM') };
    const cancel = cancelOnSignals();
    expect(cancel.by).toBeNull();
    const { result: delivered, written } = await stderrOf(() => deliver(signal, before[signal]));
    expect(delivered).toBe(1);
    expect(written).toEqual([ACKNOWLEDGED[signal]]);
    expect(cancel.signal.aborted).toBe(true);
    expect([cancel.by, cancel.exitCode]).toEqual([signal, code]);
    const other = signal === 'SIGINT' ? 'SIGTERM' : 'SIGINT';
    const later = await stderrOf(() => deliver(other, before[other])); // a later signal of the other kind changes nothing
    expect([cancel.by, cancel.exitCode, later.written]).toEqual([signal, code, []]);
    cancel.release();
    expect(listening('SIGINT')).toEqual(before.SIGINT);
    expect(listening('SIGTERM')).toEqual(before.SIGTERM);
  });
});

describe('lathe dataset import, interrupted', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('by %s exits %d, leaving no temporary files and no dataset', async (signal, code) => {
    const dataDir = path.join(root, `data-${signal}`);
    const file = path.join(root, `rows-${signal}.jsonl`);
    fs.writeFileSync(file, '{"text":"a row of text to import","label":1}\n'.repeat(100_000));
    const before = listening(signal);
    // Deliver the signal once the command listens for it, while the import reads the file.
    const timer = setInterval(() => {
      if (deliver(signal, before) > 0) clearInterval(timer);
    }, 0);
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    let run: { result: number; written: string[] };
    try {
      run = await stderrOf(() => main(['dataset', 'import', file, '--name', 'rows', '--data-dir', dataDir]));
    } finally {
      clearInterval(timer);
      vi.restoreAllMocks();
    }
    const exit = run.result;
    expect(run.written, 'the signal is acknowledged at once, as an export’s is').toContain(ACKNOWLEDGED[signal]);
    expect(err.join('\n')).toContain('import cancelled; nothing was imported.');
    expect(exit).toBe(code);
    expect(fs.readdirSync(path.join(dataDir, 'datasets')), 'no temporary folder is left').toEqual([]);
    expect(listening(signal), 'the listeners go with the command').toEqual(before);
    const store = openStore(dataDir);
    try {
      expect(store.datasets.list()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
