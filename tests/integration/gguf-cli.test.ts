// `lathe export --format gguf` and `lathe model import-gguf` as a user runs them: a tiny Llama folder is
// imported, exported at each dtype, read by @huggingface/gguf, imported back and generated from; and the flags'
// errors name the flag.
import fs from 'node:fs';
import path from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSource } from '../../renderer/src/pages/select/format.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { writeSpmLlama } from '../fixtures/models/spm-llama.ts';
import { tempDir } from './helpers/lathe.ts';

const tmp = tempDir('gguf-cli');
const dataDir = path.join(tmp, 'data');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await writeSpmLlama(path.join(tmp, 'tiny'), 5);
  const r = await inProcessLathe(dataDir, ['model', 'import', path.join(tmp, 'tiny'), '--name', 'tiny', '--json']);
  expect(r.code, r.stderr).toBe(0);
});

describe('lathe export --format gguf', () => {
  it.each(['f32', 'q4_0'])('writes a %s file that @huggingface/gguf reads, and model import-gguf takes it back', async (dtype) => {
    const out = path.join(tmp, `tiny-${dtype}.gguf`);
    const r = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--format', 'gguf', '--dtype', dtype, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = r.json<{ file: string; bytes: number; tensors: number; dtype: string }>();
    expect(summary).toMatchObject({ file: out, dtype, tensors: 21 });
    expect(summary.bytes).toBe(fs.statSync(out).size);
    const metadata = (await gguf(out, { allowLocalFile: true })).metadata as Record<string, unknown>;
    expect(metadata['general.name']).toBe('tiny');
    expect(metadata['general.file_type']).toBe(dtype === 'f32' ? 0 : 2);

    const back = await inProcessLathe(dataDir, ['model', 'import-gguf', out, '--name', `tiny-${dtype}`, '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json<{ name: string; source: string }>()).toMatchObject({ name: `tiny-${dtype}`, source: `gguf:${out}` });
    expect(describeSource(`gguf:${out}`)).toBe(`GGUF file · tiny-${dtype}.gguf`); // how the Select page shows it
    const gen = await inProcessLathe(dataDir, ['generate', '--model', `tiny-${dtype}`, '--prompt', 'the', '--max-new-tokens', '5', '--temperature', '0', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
  });

  it('writes <name>.<dtype>.gguf in the current folder by default', async () => {
    const r = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const file = r.json<{ file: string }>().file;
    expect(path.basename(file)).toBe('tiny.f16.gguf');
    fs.rmSync(file);
  });

  it('--adapter writes a PEFT adapter as a GGUF LoRA adapter', async () => {
    const { readHfFolder } = await import('../../native/models/checkpoint.ts');
    const { loraAName, loraBName, loraModules } = await import('../../native/models/lora.ts');
    const { writePeftAdapter } = await import('../../native/models/peft.ts');
    const spec = readHfFolder(path.join(tmp, 'tiny')).spec;
    const config = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map(loraModules(spec, config).flatMap((m) => [
      [loraAName(m.module), { shape: [2, m.inFeatures], data: new Float32Array(2 * m.inFeatures).fill(0.01) }],
      [loraBName(m.module), { shape: [m.outFeatures, 2], data: new Float32Array(2 * m.outFeatures).fill(0.02) }],
    ]));
    const adapterDir = path.join(tmp, 'my-adapter');
    await writePeftAdapter(adapterDir, spec, config, weights, 'tiny');
    const out = path.join(tmp, 'my-adapter.lora.gguf');
    const r = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--adapter', adapterDir, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ modules: number }>().modules).toBe(4);
    // progress on stderr, as a model's GGUF export shows (the adapter's export showed nothing until it ended)
    const shown = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--adapter', adapterDir, '--out', out]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toMatch(/^100% tensor 8 of 8 \(blk\.1\.attn_v\.weight\.lora_b\)$/m);
    const { metadata, tensorInfos } = await gguf(out, { allowLocalFile: true });
    expect((metadata as Record<string, unknown>)['adapter.type']).toBe('lora');
    expect((metadata as Record<string, unknown>)['adapter.lora.alpha']).toBe(4);
    expect(tensorInfos.map((t) => t.name)).toContain('blk.1.attn_v.weight.lora_b');
    expect((await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--adapter', adapterDir, '--dtype', 'q8_0'])).stderr).toMatch(/--dtype applies to a model export/);
    // imported back as if it were a model: refused as the adapter it is, with what to do instead
    const back = await inProcessLathe(dataDir, ['model', 'import-gguf', out, '--name', 'not-a-model']);
    expect(back.code).toBe(2);
    expect(back.stderr).toContain(`${out} is a LoRA adapter (metadata general.type 'adapter'), not a model`);
    expect(back.stderr).toMatch(/--lora my-adapter\.lora\.gguf.*lathe merge --model BASE --adapter DIR/);
    expect((await inProcessLathe(dataDir, ['model', 'list', '--json'])).json<{ name: string }[]>().map((m) => m.name)).not.toContain('not-a-model');
  });

  it('names the flag at fault', async () => {
    const dtype = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--dtype', 'q5_k']);
    expect(dtype.code).toBe(2);
    expect(dtype.stderr).toMatch(/--dtype must be one of f32, f16, q8_0, q4_0; got 'q5_k'/);
    const format = await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--format', 'tflite']);
    expect(format.stderr).toMatch(/--format must be one of gguf, onnx, hf; got 'tflite'/);
    expect((await inProcessLathe(dataDir, ['export', '--dtype', 'f16'])).stderr).toMatch(/--model NAME is required/);
    expect((await inProcessLathe(dataDir, ['export', '--model', 'tiny', '--dtyp', 'f16'])).stderr).toMatch(/Did you mean --dtype\?/);
    expect((await inProcessLathe(dataDir, ['export', '--model', 'nope'])).stderr).toMatch(/no model named 'nope'/);
  });

  it('import-gguf refuses a file that is not GGUF, naming it, and leaves no model behind', async () => {
    const bad = path.join(tmp, 'bad.gguf');
    fs.writeFileSync(bad, 'not a gguf file');
    const r = await inProcessLathe(dataDir, ['model', 'import-gguf', bad, '--name', 'bad']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a GGUF file`);
    expect((await inProcessLathe(dataDir, ['model', 'list', '--json'])).json<{ name: string }[]>().map((m) => m.name)).not.toContain('bad');
    expect((await inProcessLathe(dataDir, ['model', 'import-gguf', bad])).stderr).toMatch(/--name N is required/);
  });
});
