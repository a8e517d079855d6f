// The deploy commands as a user runs them (in process: the command objects bin/lathe.mjs runs): `lathe quantize`
// registers variants that `lathe generate` runs like any model, `lathe export --format onnx|hf` writes folders,
// `lathe merge` folds an adapter into a new model, and wrong flags get errors that say what to type instead.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHfFolder } from '../../native/models/checkpoint.ts';
import { findModel } from '../../native/models/registry.ts';
import { openStore } from '../../native/store/db.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { writePeftAdapter } from '../../native/models/peft.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { commands as deployCommands } from '../../native/cli/deploy.ts';
import { commands as exportCommands } from '../../native/cli/export.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { SHARED_DATA, tempDir } from './helpers/lathe.ts';

const DIR = path.join(SHARED_DATA, 'models/stories260K');
const present = fs.existsSync(path.join(DIR, 'stories260K.bin'));
if (!present) console.log(`cli-deploy: skipped: ${DIR}/stories260K.bin is absent (the shared data kit is not mounted)`);

describe.skipIf(!present)('lathe merge / quantize / export', () => {
  let tmp: string;
  let data: string;

  beforeAll(async () => {
    tmp = tempDir('cli-deploy');
    data = path.join(tmp, 'data');
    const r = await inProcessLathe(data, ['model', 'import-llama2c', path.join(DIR, 'stories260K.bin'), '--tokenizer', path.join(DIR, 'tok512.bin'), '--name', 's260k']);
    expect(r.code, r.stderr).toBe(0);
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('quantize registers each variant as a model that generate runs', async () => {
    const q = await inProcessLathe(data, ['quantize', '--model', 's260k', '--dtype', 'q4,q8', '--accuracy-level', '1', '--json']);
    expect(q.code, q.stderr).toBe(0);
    const out = q.json<{ variants: { dtype: string; model: string; file: string; bytes: number }[] }>();
    expect(out.variants.map((v) => [v.dtype, v.model, v.file])).toEqual([['q4', 's260k-q4', 'onnx/model_q4.onnx'], ['q8', 's260k-q8', 'onnx/model_quantized.onnx']]);
    const g = await inProcessLathe(data, ['generate', '--model', 's260k-q4', '--prompt', 'Once upon a time', '--max-new-tokens', '8', '--temperature', '0']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.length).toBeGreaterThan(0);
  });

  it('quantize and export refuse a variant, naming the command and the source model to run it on instead', async () => {
    const variant = findModel(data, 's260k-q4');
    const q = await inProcessLathe(data, ['quantize', '--model', 's260k-q4', '--dtype', 'q8']);
    expect([q.code, q.stderr]).toEqual([2, `lathe quantize: ${variant.path}: this model is already quantised: an ONNX graph, with no safetensors weights to quantise again; quantise its source model, s260k, instead\n`]);
    const out = path.join(tmp, 'variant-onnx');
    const e = await inProcessLathe(data, ['export', '--model', 's260k-q4', '--format', 'onnx', '--out', out]);
    expect([e.code, e.stderr]).toEqual([2, `lathe export: ${variant.path}: this model is already an ONNX export (it has no safetensors weights); export its source model, s260k, instead\n`]);
    expect(fs.existsSync(out)).toBe(false);
    expect((await inProcessLathe(data, ['model', 'list', '--json'])).json<{ name: string }[]>().map((m) => m.name)).not.toContain('s260k-q4-q8');
  });

  it('quantize checks every name it will register before any work, listing each taken one', async () => {
    const bin = path.join(DIR, 'stories260K.bin');
    const tok = path.join(DIR, 'tok512.bin');
    for (const name of ['tiny', 'tiny-q8', 'tiny-int8']) expect((await inProcessLathe(data, ['model', 'import-llama2c', bin, '--tokenizer', tok, '--name', name])).code).toBe(0);
    const q = await inProcessLathe(data, ['quantize', '--model', 'tiny', '--dtype', 'q4,q8,int8']);
    expect(q.code).toBe(2);
    expect(q.stderr).toContain("models named 'tiny-q8', 'tiny-int8' already exist");
    expect(q.stderr).toContain('--name');
    const names = (await inProcessLathe(data, ['model', 'list', '--json'])).json<{ name: string }[]>().map((m) => m.name);
    expect(names).not.toContain('tiny-q4'); // nothing was built before the refusal
  });

  it('export --format onnx writes the transformers.js folder; --format hf writes fp16 safetensors', async () => {
    const onnx = path.join(tmp, 'exp-onnx');
    const e = await inProcessLathe(data, ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'int8,fp16', '--out', onnx, '--json']);
    expect(e.code, e.stderr).toBe(0);
    for (const f of ['onnx/model_fp16.onnx', 'onnx/model_int8.onnx', 'tokenizer.json', 'generation_config.json']) expect(fs.existsSync(path.join(onnx, f)), f).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(onnx, 'config.json'), 'utf8'))['transformers.js_config'].dtype).toBe('int8');
    const hf = path.join(tmp, 'exp-hf');
    const h = await inProcessLathe(data, ['export', '--model', 's260k', '--format', 'hf', '--dtype', 'fp16', '--out', hf, '--json']);
    expect(h.code, h.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(hf, 'config.json'), 'utf8')).torch_dtype).toBe('float16');
    const header = fs.readFileSync(path.join(hf, 'model.safetensors'));
    expect(header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString()).toContain('"F16"');
  });

  it('export --out replaces an earlier export, never a folder holding other files (merge --out shares the rule)', async () => {
    // a config.json of the user's own is not enough to count as an export: a model folder has its weights beside it
    const project = path.join(tmp, 'my-project');
    fs.mkdirSync(project);
    for (const f of ['config.json', 'notes.md']) fs.writeFileSync(path.join(project, f), '{}');
    const refused = await inProcessLathe(data, ['export', '--model', 's260k', '--format', 'hf', '--out', project]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/--out .*my-project: this folder holds other files \(config\.json, notes\.md\) and is not an earlier export/)]);
    expect(fs.readdirSync(project).sort()).toEqual(['config.json', 'notes.md']);
    const keep = path.join(tmp, 'my-work');
    fs.mkdirSync(keep);
    fs.writeFileSync(path.join(keep, 'thesis.tex'), 'precious');
    for (const args of [['export', '--model', 's260k', '--format', 'hf'], ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32']]) {
      const r = await inProcessLathe(data, [...args, '--out', keep]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--out .*my-work: this folder holds other files \(thesis\.tex\) and is not an earlier export .* choose a new or empty folder/);
      expect(fs.readdirSync(keep)).toEqual(['thesis.tex']);
    }
    // a GGUF file is written to a file: a folder is refused before a byte is written, not by the final rename (a bare
    // EISDIR that left the whole temporary file beside the folder)
    const gguf = await inProcessLathe(data, ['export', '--model', 's260k', '--out', keep]);
    expect([gguf.code, gguf.stderr]).toEqual([2, expect.stringMatching(/--out .*my-work: this is a folder; give the path of the file to write, e\.g\. .*my-work\/s260k\.f16\.gguf/)]);
    expect(fs.readdirSync(keep)).toEqual(['thesis.tex']);
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('my-work.'))).toEqual([]); // no temporary sibling left
    const again = path.join(tmp, 'exp-again');
    for (let i = 0; i < 2; i++) expect((await inProcessLathe(data, ['export', '--model', 's260k', '--format', 'hf', '--out', again])).code).toBe(0);
    expect(fs.existsSync(path.join(again, 'config.json'))).toBe(true);
  });

  it('quantize --report reads its --text before building: a folder or a gzip file is refused with no model registered', async () => {
    const gz = path.join(SHARED_DATA, 'datasets/preferences/hh_rlhf_harmless_test.jsonl.gz');
    const cases: [string, RegExp][] = [[tmp, /--text .*: is a folder; give a text file/], [path.join(tmp, 'absent.txt'), /--text .*absent\.txt: no such file; check the path/]];
    if (fs.existsSync(gz)) cases.push([gz, /--text .*\.gz is not plain text: it is gzip-compressed/]);
    for (const [text, message] of cases) {
      const r = await inProcessLathe(data, ['quantize', '--model', 's260k', '--dtype', 'fp16', '--name', 's260k-textcheck', '--report', '--text', text]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await inProcessLathe(data, ['model', 'list', '--json'])).json<{ name: string }[]>().map((m) => m.name)).not.toContain('s260k-textcheck');
  });

  it('merge folds an adapter into a new model', async () => {
    const base = findModel(data, 's260k').path;
    const spec = readHfFolder(base).spec;
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: new Float32Array(config.r * m.inFeatures).fill(0.01) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: new Float32Array(m.outFeatures * config.r).fill(0.01) });
    }
    const adapter = path.join(tmp, 'adapter');
    await writePeftAdapter(adapter, spec, config, weights, 's260k');
    const r = await inProcessLathe(data, ['merge', '--model', 's260k', '--adapter', adapter, '--name', 's260k-merged', '--dtype', 'bf16', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ name: string }>().name).toBe('s260k-merged');
    // --run: a finished LoRA run of the studio, its adapter found from the store
    const store = openStore(data);
    const run = store.runs.create({ kind: 'finetune', name: 'lora s260k', config: { model: 's260k', modelId: findModel(data, 's260k').id } });
    const runAdapter = path.join(data, 'runs', run.id, 'adapter');
    fs.cpSync(adapter, runAdapter, { recursive: true });
    store.runs.replaceArtifact({ runId: run.id, kind: 'adapter', path: path.join(runAdapter, 'adapter_model.safetensors'), bytes: 1, hash: 'h' });
    store.runs.setStatus(run.id, 'succeeded');
    store.close();
    const byRun = await inProcessLathe(data, ['merge', '--run', run.id, '--name', 's260k-from-run', '--json']);
    expect(byRun.code, byRun.stderr).toBe(0);
    expect(byRun.json<{ name: string; source: string }>()).toMatchObject({ name: 's260k-from-run', source: expect.stringContaining(runAdapter) });
  });

  it('refuses wrong flags with the fix (in process: the same command objects)', async () => {
    const all = [...deployCommands, ...exportCommands];
    const run = (words: string[], values: Record<string, unknown>) => all.find((c) => c.path.join(' ') === words.join(' '))!.run({ values, positionals: [] }, { dataDir: data, json: true, print: () => {}, info: () => {}, warn: () => {}, log: () => {} });
    await expect(run(['quantize'], { model: 's260k', dtype: 'q3' })).rejects.toThrow(/--dtype must be one of fp16, q8, int8, q4; got 'q3'/);
    await expect(run(['quantize'], { model: 's260k', report: true })).rejects.toThrow(/--report needs --text FILE/);
    await expect(run(['quantize'], { model: 's260k', 'accuracy-level': '7' })).rejects.toThrow(/--accuracy-level must be a whole number from 0 to 4 \(MatMulNBits' accuracy_level\); got '7'/);
    await expect(run(['merge'], { model: 's260k', adapter: tmp })).rejects.toThrow(/exactly one of --name .* or --out/);
    await expect(run(['merge'], { run: 'run_000000000000', model: 's260k', name: 'x' })).rejects.toThrow(/--run .* not both/);
    await expect(run(['merge'], { model: 's260k', name: 'x' })).rejects.toThrow(/give --run RUN, or --model and --adapter/);
    await expect(run(['merge'], { run: 'run_000000000000', name: 'x' })).rejects.toThrow(/run run_000000000000 does not exist/);
    await expect(run(['merge'], { model: 's260k', adapter: path.join(tmp, 'no-such-adapter'), name: 'x' })).rejects.toThrow(/no-such-adapter: no such folder; check the path of the PEFT LoRA adapter/);
    // tmp holds an earlier test's adapter/ folder: the refusal points at it
    await expect(run(['merge'], { model: 's260k', adapter: tmp, name: 'x' })).rejects.toThrow(/: no adapter_config\.json here, but its adapter\/ folder is a PEFT adapter \(a LoRA run's\); give .*\/adapter/);
    await expect(run(['export'], { model: 's260k', format: 'gguf', 'accuracy-level': '4' })).rejects.toThrow(/--accuracy-level applies to --format onnx only/);
    await expect(run(['export'], { model: 's260k', format: 'onnx', adapter: tmp })).rejects.toThrow(/merge first \(lathe merge\)/);
    await expect(run(['export'], { model: 's260k-q4', format: 'hf' })).rejects.toThrow(/holds only ONNX weights/);
    await expect(run(['export'], { model: 's260k', format: 'tflite' })).rejects.toThrow(/--format must be one of gguf, onnx, hf/);
  });
});
