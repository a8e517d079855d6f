// Ctrl-C (SIGINT) during `lathe export`, `lathe merge` and `lathe quantize` cancels the work through its signal: the
// command says 'cancelled' with exit code 130, and what it had half-written is gone (no `<out>.tmp-<pid>-…` beside
// --out, no working folder under models/, no model recorded). Before, Ctrl-C ended the process where it was, saying
// nothing, and left the temporary export folder in the user's own folder until a later export to the same place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../native/cli.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-deploy-cancel-'));
const dataDir = path.join(root, 'data');
const outDir = path.join(root, 'out');

beforeAll(async () => {
  const src = path.join(root, 'src');
  const config = CONFIGS.llama3;
  await writeHfFolder(src, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
  await importModelFolder(dataDir, src, 'tiny');
  fs.mkdirSync(outDir);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/**
 * `lathe ARGS` in this process, with a Ctrl-C delivered once stderr shows `when`: to the SIGINT listeners the command
 * added (only those: the test runner may listen too). Returns the exit code and what went to stderr.
 */
async function interrupted(args: string[], when: string): Promise<{ code: number; stderr: string[]; listened: boolean }> {
  const before = new Set(process.listeners('SIGINT'));
  const stderr: string[] = [];
  let listened = false;
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    const line = parts.map(String).join(' ');
    stderr.push(line);
    if (!listened && line.includes(when)) {
      const added = process.listeners('SIGINT').filter((l) => !before.has(l));
      listened = added.length > 0;
      for (const listener of added) (listener as (s: string) => void)('SIGINT');
    }
  });
  const code = await main(['--data-dir', dataDir, ...args]);
  expect(process.listeners('SIGINT').length, 'the listener goes with the command').toBe(before.size);
  return { code, stderr, listened };
}

function modelNames(): string[] {
  const store = openStore(dataDir);
  try {
    return store.models.list().map((m) => m.name).sort();
  } finally {
    store.close();
  }
}

describe('Ctrl-C during export, merge and quantize', () => {
  it('lathe export --format onnx: cancelled, exit 130, nothing beside --out', async () => {
    const out = path.join(outDir, 'tiny-onnx');
    const r = await interrupted(['export', '--model', 'tiny', '--format', 'onnx', '--dtype', 'fp32,q8', '--out', out], 'building fp32');
    expect(r.listened, 'the export listens for SIGINT').toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr.slice(-2)).toEqual(['cancelling… (Ctrl-C again to end at once)', 'lathe export: cancelled; nothing was written.']);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('lathe export --format onnx over an earlier export: cancelled, the earlier one stays whole', async () => {
    const out = path.join(outDir, 'kept-onnx');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await main(['--data-dir', dataDir, 'export', '--model', 'tiny', '--format', 'onnx', '--dtype', 'fp32', '--out', out])).toBe(0);
    const files = fs.readdirSync(path.join(out, 'onnx'));
    const r = await interrupted(['export', '--model', 'tiny', '--format', 'onnx', '--dtype', 'q4,q8', '--out', out], 'building q4');
    expect(r.code).toBe(130);
    expect(fs.readdirSync(outDir)).toEqual(['kept-onnx']);
    expect(fs.readdirSync(path.join(out, 'onnx'))).toEqual(files);
    fs.rmSync(out, { recursive: true });
  });

  it('lathe export --format hf: cancelled, nothing beside --out', async () => {
    const r = await interrupted(['export', '--model', 'tiny', '--format', 'hf', '--out', path.join(outDir, 'tiny-hf')], 'writing tiny');
    expect(r.code).toBe(130);
    expect(r.stderr.at(-1)).toBe('lathe export: cancelled; nothing was written.');
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('lathe quantize: the variant being made is not registered, the one made before it stays, and the message names both', async () => {
    const r = await interrupted(['quantize', '--model', 'tiny', '--dtype', 'fp16,int8'], 'building int8');
    expect(r.code).toBe(130);
    expect(r.stderr.at(-1)).toBe('lathe quantize: cancelled while making the int8 variant, which was not registered; made before it: tiny-fp16 (fp16).');
    expect(modelNames()).toEqual(['tiny', 'tiny-fp16']);
    expect(fs.readdirSync(path.join(dataDir, 'models')).filter((n) => !n.startsWith('mdl_')), 'no working folder is left').toEqual([]);
  });
});
