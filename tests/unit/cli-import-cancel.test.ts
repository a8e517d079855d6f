// Ctrl-C (SIGINT) or SIGTERM during `lathe model import` (and import-llama2c, import-gguf, which share
// importInForeground) cancels the import through its signal: the working copy under models/ is removed, no model is
// recorded, the command says so with exit code 130 for Ctrl-C and 143 for SIGTERM (128 + the signal's number; both
// said 130), and the next import of the same name works. Before, the process
// died where it was and left the partial copy behind until some later import swept it.
// A GGUF import dequantised every tensor in one synchronous loop, so a signal (which arrives on the event loop) was
// heard only once all were done and the folder written; it now stops within a tensor, through the same
// stopIfCancelled the exports use. The first signal is acknowledged at once ('cancelling… (Ctrl-C again to end at
// once)'), as an export's is: the imports said nothing until the work had stopped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importInForeground } from '../../native/cli/model.ts';
import { UserError, type CliContext } from '../../native/cli/command.ts';
import { importModelFolder, type ImportOptions } from '../../native/models/import.ts';
import { importGgufModel } from '../../native/deploy/gguf-import.ts';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { writeSpmLlama } from '../fixtures/models/spm-llama.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { openStore } from '../../native/store/db.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { ACKNOWLEDGED, stderrOf } from './stderr-capture.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-import-cancel-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function quietContext(dataDir: string): CliContext & { printed: unknown[] } {
  const printed: unknown[] = [];
  return { dataDir, json: true, printed, print: (result) => printed.push(result), info: () => {}, warn: () => {}, log: () => {} };
}

/** Deliver `signal` to the listeners the import added (only those: the test runner may listen too). */
function deliver(signal: 'SIGINT' | 'SIGTERM', before: Set<(...args: unknown[]) => void>): void {
  const added = process.listeners(signal).filter((l) => !before.has(l as (...args: unknown[]) => void));
  expect(added.length, `the import listens for ${signal}`).toBeGreaterThan(0);
  for (const listener of added) (listener as (s: string) => void)(signal);
}

/** A cancelled import: no working copy under models/, no model recorded, and its signal listeners gone. */
function expectNothingImported(dataDir: string, signal: NodeJS.Signals, before: Set<unknown>): void {
  expect(fs.readdirSync(path.join(dataDir, 'models')), 'no working copy is left').toEqual([]);
  const store = openStore(dataDir);
  try {
    expect(store.models.list()).toEqual([]);
  } finally {
    store.close();
  }
  expect(process.listeners(signal).length, 'the listeners go with the import').toBe(before.size);
}

describe('lathe model import, interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s while copying: cancelled, nothing left behind, and the next import works', async (signal) => {
    const src = path.join(root, `src-${signal}`);
    const config = CONFIGS.llama3;
    await writeHfFolder(src, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
    const dataDir = path.join(root, `data-${signal}`);
    const ctx = quietContext(dataDir);
    const before = new Set(process.listeners(signal) as ((...args: unknown[]) => void)[]);
    const interruptWhenCopying = (opts: ImportOptions): ImportOptions => {
      let sent = false;
      return {
        ...opts,
        onProgress: (p) => {
          opts.onProgress?.(p);
          if (!sent && p.message.startsWith('copying')) {
            sent = true;
            deliver(signal, before);
          }
        },
      };
    };
    const { result: err, written } = await stderrOf(() => importInForeground(ctx, (opts) => importModelFolder(dataDir, src, 'tiny', interruptWhenCopying(opts))).then(() => null, (e: unknown) => e));
    expect(written, 'the signal is acknowledged at once, as an export’s is').toContain(ACKNOWLEDGED[signal]);
    expect(err).toBeInstanceOf(UserError);
    expect([(err as UserError).message, (err as UserError).exitCode]).toEqual(['import cancelled; nothing was imported.', signal === 'SIGINT' ? 130 : 143]);
    expectNothingImported(dataDir, signal, before);

    await importInForeground(ctx, (opts) => importModelFolder(dataDir, src, 'tiny', opts));
    expect(ctx.printed).toEqual([expect.objectContaining({ name: 'tiny' })]);
    expect(fs.readdirSync(path.join(dataDir, 'models')).filter((n) => n.startsWith('.'))).toEqual([]);
  });
});

describe('lathe model import-gguf, interrupted while dequantising', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: stops within a tensor, nothing left behind, and the next import works', async (signal) => {
    const file = path.join(root, `tiny-${signal}.gguf`);
    await writeSpmLlama(path.join(root, `gguf-src-${signal}`));
    await exportGguf(path.join(root, `gguf-src-${signal}`), file, { dtype: 'q8_0' });
    const dataDir = path.join(root, `gguf-data-${signal}`);
    const ctx = quietContext(dataDir);
    const before = new Set(process.listeners(signal) as ((...args: unknown[]) => void)[]);
    const seen: string[] = [];
    const interruptAtFirstTensor = (opts: ImportOptions): ImportOptions => ({
      ...opts,
      onProgress: (p) => {
        opts.onProgress?.(p);
        seen.push(p.message);
        // as the operating system's signal comes: on the event loop, not inside the loop that reports
        if (p.message === 'dequantising tensor 1 of 21') setImmediate(() => deliver(signal, before));
      },
    });
    const { result: err, written } = await stderrOf(() => importInForeground(ctx, (opts) => importGgufModel(dataDir, file, 'tiny', interruptAtFirstTensor(opts))).then(() => null, (e: unknown) => e));
    expect(written).toContain(ACKNOWLEDGED[signal]);
    expect(err).toBeInstanceOf(UserError);
    expect([(err as UserError).message, (err as UserError).exitCode]).toEqual(['import cancelled; nothing was imported.', signal === 'SIGINT' ? 130 : 143]);
    expect(seen, 'no tensor after the one the signal came in, no folder written').toEqual([`reading tiny-${signal}.gguf`, 'dequantising tensor 1 of 21']);
    expectNothingImported(dataDir, signal, before);

    await importInForeground(ctx, (opts) => importGgufModel(dataDir, file, 'tiny', opts));
    expect(ctx.printed).toEqual([expect.objectContaining({ name: 'tiny' })]);
  });
});
