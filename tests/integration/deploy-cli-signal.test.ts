// Ctrl-C (SIGINT) or SIGTERM to `lathe export`, `lathe merge` and `lathe quantize` midway, from a real child process:
// the command hears the signal (cli/cancel.ts), its writer stops within a tensor (or a variant's stage), removes the
// temporary it was building (`<out>.tmp-<pid>-…` beside --out, or models/.import-…), leaves an earlier export at
// --out untouched, keeps no model (quantize removes the variants it had already registered), and exits 130 or 143
// with one line saying so. Before, nothing listened: the signal ended the process where it stood, leaving the
// temporary folder or file next to the destination (or under models/) until a later run there swept it.
// A signal that lands after the work has finished (stories260K is small; the machine may be loaded) lets the
// command succeed: the case is then tried again, up to 3 times, as deploy-cli-kill does. The missing folders an
// export creates on the way to --out go with it when it is cancelled; a folder that was there stays.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { readHfFolder } from '../../native/models/checkpoint.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { writePeftAdapter } from '../../native/models/peft.ts';
import { findModel } from '../../native/models/registry.ts';
import { openStore } from '../../native/store/db.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { spawn } from 'node:child_process';
import { importModelFolder } from '../../native/models/import.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { feedWaitingFifos, makeFifo } from './helpers/fifo.ts';
import { signalLatheOnLine, type SignalledLathe } from './helpers/kill.ts';
import { HAS_SHARED_DATA, LATHE_BIN, ROOT, SHARED_DATA, SKIP_SHARED_REASON, lathe, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const CKPT = path.join(MODEL, 'stories260K.bin');
const TOKENIZER = path.join(MODEL, 'tok512.bin');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(CKPT);
if (!HAS_MODEL) console.warn(`deploy-cli-signal: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

const ATTEMPTS = 3;
const CODE = { SIGINT: 130, SIGTERM: 143 } as const;

/** Every file under `dir` with its sha256, to show a folder is exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return files;
}

describe.skipIf(!HAS_MODEL)('deploy commands stopped by a signal', () => {
  let root = '';
  let data = '';
  let adapter = '';
  const models = async () => (await inProcessLathe(data, ['model', 'list', '--json'])).json<Model[]>().map((m) => m.name);
  const modelFolders = () => fs.readdirSync(path.join(data, 'models'));
  /** Delete models a run that finished before its signal made, so the case can be tried again. */
  const deleteModels = (...names: string[]) => {
    const store = openStore(data);
    try {
      for (const m of names.map((name) => findModel(data, name))) {
        store.models.delete(m.id);
        fs.rmSync(m.path, { recursive: true, force: true });
      }
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    root = tempDir('deploy-signal');
    data = path.join(root, 'data');
    await importLlama2cCheckpoint(data, CKPT, TOKENIZER, 's260k');
    const spec = readHfFolder(path.join(data, 'models', modelFolders()[0])).spec;
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: new Float32Array(config.r * m.inFeatures).fill(0.01) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: new Float32Array(m.outFeatures * config.r).fill(0.01) });
    }
    adapter = path.join(root, 'adapter');
    await writePeftAdapter(adapter, spec, config, weights, 's260k');
  }, 60_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Signal `lathe ARGS` on `line` until the signal lands in the work (`reset` undoes a run that finished first). */
  async function interrupt(args: string[], line: RegExp, signal: 'SIGINT' | 'SIGTERM', reset: () => void): Promise<SignalledLathe> {
    for (let attempt = 1; ; attempt++) {
      const r = await signalLatheOnLine(data, args, line, signal);
      expect(r.sent, `${line} never showed:\n${r.output}`).toBe(true);
      if (r.code !== 0) return r;
      console.warn(`attempt ${attempt}: ${signal} on ${line} landed after the work had finished`);
      if (attempt === ATTEMPTS) throw new Error(`${ATTEMPTS} signals on ${line} all landed after the work had finished:\n${r.output}`);
      reset();
    }
  }

  /** Exited by code (it heard the signal), promptly, with the one line `message` on stderr. */
  function expectCancelled(r: SignalledLathe, signal: 'SIGINT' | 'SIGTERM', message: string): void {
    expect([r.code, r.signal], r.output).toEqual([CODE[signal], null]);
    expect(r.output.split('\n').filter((l) => l.startsWith('lathe '))).toEqual([message]);
    expect(r.afterSignalMs, 'a cancel is heard within a tensor or a stage, not at the end of the work').toBeLessThan(10_000);
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('export --format onnx over an earlier export: %s leaves it as it was and nothing beside it', async (signal) => {
    const out = path.join(root, `onnx-${signal}`, 's260k-onnx');
    const earlier = await inProcessLathe(data, ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32', '--out', out]);
    expect(earlier.code, earlier.stderr).toBe(0);
    const before = snapshot(out);
    const r = await interrupt(['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32,q8,q4,fp16,int8', '--out', out], /building fp32/, signal, () => {
      fs.rmSync(out, { recursive: true });
      expect(lathe(data, ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32', '--out', out]).code).toBe(0);
    });
    expectCancelled(r, signal, `lathe export: export cancelled; ${out} is as it was.`);
    expect(fs.readdirSync(path.dirname(out)), 'no temporary folder beside --out').toEqual(['s260k-onnx']);
    expect(snapshot(out)).toEqual(before);
  }, 120_000);

  it('export --format gguf: SIGTERM leaves no file and no temporary beside --out', async () => {
    const dir = path.join(root, 'gguf');
    const out = path.join(dir, 's260k.gguf');
    fs.mkdirSync(dir);
    const r = await interrupt(['export', '--model', 's260k', '--format', 'gguf', '--dtype', 'q8_0', '--out', out], /writing \d+ tensors/, 'SIGTERM', () => fs.rmSync(out));
    expectCancelled(r, 'SIGTERM', `lathe export: export cancelled; nothing was written to ${out}.`);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('export --format hf: SIGTERM leaves no folder and no temporary beside --out', async () => {
    const dir = path.join(root, 'hf');
    const out = path.join(dir, 's260k-hf');
    fs.mkdirSync(dir);
    const r = await interrupt(['export', '--model', 's260k', '--format', 'hf', '--out', out], /writing s260k as fp32/, 'SIGTERM', () => fs.rmSync(out, { recursive: true }));
    expectCancelled(r, 'SIGTERM', `lathe export: export cancelled; nothing was written to ${out}.`);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('merge --out and merge --name: SIGTERM writes no folder and registers no model', async () => {
    const dir = path.join(root, 'merge');
    const out = path.join(dir, 'merged');
    fs.mkdirSync(dir);
    const folder = await interrupt(['merge', '--model', 's260k', '--adapter', adapter, '--out', out], /merging/, 'SIGTERM', () => fs.rmSync(out, { recursive: true }));
    expectCancelled(folder, 'SIGTERM', `lathe merge: merge cancelled; nothing was written to ${out}.`);
    expect(fs.readdirSync(dir)).toEqual([]);

    const before = modelFolders();
    const named = await interrupt(['merge', '--model', 's260k', '--adapter', adapter, '--name', 'merged'], /merging/, 'SIGTERM', () => {
      deleteModels('merged');
    });
    expectCancelled(named, 'SIGTERM', 'lathe merge: merge cancelled; no model was added.');
    expect(modelFolders(), 'no models/.import-… folder is left').toEqual(before);
    expect(await models()).toEqual(['s260k']);
  }, 120_000);

  it('quantize of two dtypes, signalled during the second: the first variant is removed too', async () => {
    const before = modelFolders();
    const r = await interrupt(['quantize', '--model', 's260k', '--dtype', 'q8,q4'], /q4: building/, 'SIGTERM', () => {
      deleteModels('s260k-q8', 's260k-q4');
    });
    expectCancelled(r, 'SIGTERM', 'lathe quantize: quantize cancelled; no model was added.');
    expect(r.output).toMatch(/q8: /); // the first variant had been built
    expect(await models()).toEqual(['s260k']);
    expect(modelFolders()).toEqual(before);
  }, 120_000);
});

describe('an export cancelled after creating the folders on the way to --out', () => {
  it('removes the folders it created (not one that was there), and says nothing was written', async () => {
    const root = tempDir('deploy-signal-folders');
    try {
      const data = path.join(root, 'data');
      const src = path.join(root, 'tiny');
      await writeHfFolder(src, { config: CONFIGS.llama3, tensors: randomTensors(CONFIGS.llama3, 5), ...charTokenizer(CONFIGS.llama3.vocab_size as number) });
      const model = await importModelFolder(data, src, 'tiny');
      // a side file the Hugging Face export copies once its folders are made: the export holds there until fed
      const fifo = makeFifo(path.join(model.path, 'chat_template.jinja'));
      const kept = path.join(root, 'kept'); // there before: stays
      fs.mkdirSync(kept);
      const out = path.join(kept, 'new', 'deeper', 'tiny-hf');
      const child = spawn(process.execPath, [LATHE_BIN, 'export', '--model', 'tiny', '--format', 'hf', '--out', out], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      const until = Date.now() + 60_000;
      // its temporary folder beside --out is made: the folders on the way are there, and it waits on the pipe
      while (!fs.existsSync(path.dirname(out)) || !fs.readdirSync(path.dirname(out)).some((n) => n.startsWith('tiny-hf.tmp-'))) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the export made no temporary folder beside ${out}:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGTERM'); // heard once the read it is blocked in returns
      await new Promise((r) => setTimeout(r, 200));
      const feeding = setInterval(() => feedWaitingFifos([fifo], '{{ messages }}'), 20);
      const code = await exited.finally(() => clearInterval(feeding));
      expect(code, output).toBe(CODE.SIGTERM);
      expect(output.split('\n').filter((l) => l.startsWith('lathe '))).toEqual([`lathe export: export cancelled; nothing was written to ${out}.`]);
      expect(fs.readdirSync(kept), 'the folders made for --out are gone; the one that was there stays').toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
