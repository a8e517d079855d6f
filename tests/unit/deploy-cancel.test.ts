// "No partial files" for the Integrate page's jobs. A GGUF export hears a cancel that arrives on the event loop (as
// the job's cancel message does) between tensors and removes its temporary file; and when a job's process had to be
// killed, the studio sweeps what it left beside the export and under models/ — a live writer's files stay.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeGgufFile, type GgufTensorPlan } from '../../native/deploy/gguf-file-writer.ts';
import { exportLoraGguf } from '../../native/deploy/gguf-lora.ts';
import { copyHfFolder } from '../../native/deploy/hf-export.ts';
import { exportOnnxFolder } from '../../native/deploy/onnx-export.ts';
import { readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { writePeftAdapter } from '../../native/models/peft.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { str } from '../../native/deploy/gguf-format.ts';
import { sweepAfterDeploy } from '../../native/studio/deploy.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-deploy-cancel-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The pid of a process that has exited: a writer that was killed. */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.pid']).pid!;

describe('deploy jobs leave no partial files', () => {
  it('a GGUF export stops on a cancel delivered between tensors and leaves nothing', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'm.gguf');
    const controller = new AbortController();
    let produced = 0;
    const tensors: GgufTensorPlan[] = Array.from({ length: 4 }, (_, i) => ({
      name: `t${i}`, dims: [8], type: 'F32',
      bytes: () => {
        produced++;
        if (i === 0) setImmediate(() => controller.abort()); // the cancel message lands while the file is being written
        return new Uint8Array(32);
      },
    }));
    await expect(writeGgufFile(out, new Map([['general.name', str('m')]]), tensors, undefined, controller.signal)).rejects.toThrow(/cancelled/);
    expect(produced).toBeLessThan(4);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  // `lathe export` (Ctrl-C, SIGTERM) and the job's cancel abort these through their signal: before, the ONNX export
  // checked it between variants without ever yielding (a signal's listener could not run until it had finished), and
  // the Hugging Face export took no signal at all.
  it('an ONNX and a Hugging Face export stop on a cancel that lands while they work, leaving --out as it was', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'src');
    const config = CONFIGS.llama3;
    await writeHfFolder(src, { config, tensors: randomTensors(config, 3), ...charTokenizer(config.vocab_size as number) });
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    const out = path.join(outDir, 'm-onnx');
    await exportOnnxFolder(src, out, { dtypes: ['fp32'] });
    const before = fs.readFileSync(path.join(out, 'onnx', 'model.onnx'));

    const onnx = new AbortController();
    const built: string[] = [];
    const onProgress = (p: { message: string }) => {
      built.push(p.message);
      if (p.message.startsWith('building')) setImmediate(() => onnx.abort()); // as a signal's listener would run
    };
    await expect(exportOnnxFolder(src, out, { dtypes: ['q8', 'q4', 'fp16'], onProgress, signal: onnx.signal })).rejects.toThrow(/the export was cancelled/);
    expect(built.filter((m) => m.startsWith('building'))).toEqual(['building q8 (model_quantized.onnx, 1 of 3)']);
    expect(fs.readdirSync(outDir)).toEqual(['m-onnx']);
    expect(fs.readdirSync(path.join(out, 'onnx'))).toEqual(['model.onnx']);
    expect(fs.readFileSync(path.join(out, 'onnx', 'model.onnx')).equals(before)).toBe(true);

    const hf = new AbortController();
    setImmediate(() => hf.abort());
    await expect(copyHfFolder(src, path.join(outDir, 'm-hf'), 'fp16', hf.signal)).rejects.toThrow(/the export was cancelled/);
    expect(fs.readdirSync(outDir)).toEqual(['m-onnx']);
  });

  // `lathe export --adapter … --format gguf` and the Integrate page's LoRA GGUF export hand their signal to the same
  // writer; this checks the adapter path passes it on rather than writing the file whole.
  it('a LoRA adapter\'s GGUF export stops on a cancel that lands between tensors and leaves nothing', async () => {
    const dir = tempDir();
    const src = path.join(dir, 'src');
    const config = CONFIGS.llama3;
    await writeHfFolder(src, { config, tensors: randomTensors(config, 4), ...charTokenizer(config.vocab_size as number) });
    const spec = readHfFolder(src).spec;
    const lora: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, lora)) {
      weights.set(loraAName(m.module), { shape: [lora.r, m.inFeatures], data: new Float32Array(lora.r * m.inFeatures).fill(0.01) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, lora.r], data: new Float32Array(m.outFeatures * lora.r).fill(0.01) });
    }
    const adapter = path.join(dir, 'adapter');
    await writePeftAdapter(adapter, spec, lora, weights, 'src');
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    const controller = new AbortController();
    const written: number[] = [];
    const onProgress = (p: { fraction: number }) => {
      written.push(p.fraction);
      if (written.length === 1) setImmediate(() => controller.abort()); // as a signal's listener would run
    };
    await expect(exportLoraGguf(src, adapter, path.join(outDir, 'a.gguf'), { onProgress, signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(written.length).toBeLessThan(2 * loraModules(spec, lora).length);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('after a killed job the studio removes its temporaries beside the export and under models/, not a live one nor another name\'s', () => {
    const dataDir = tempDir();
    const outDir = tempDir();
    const dead = deadPid();
    const left = path.join(outDir, `m.gguf.tmp-${dead}-0123abcd`);
    fs.writeFileSync(left, 'half');
    const live = path.join(outDir, `m.gguf.tmp-${process.pid}-0123abcd`);
    fs.writeFileSync(live, 'being written');
    // the folder is the user's: another export's temporary, or another program's file that ends the same way, stays
    const others = [`onnx.tmp-${dead}-89abcdef`, `report.pdf.tmp-${dead}-0123abcd`, `m.gguf.tmp-x.tmp-${dead}-0123abcd`];
    fs.mkdirSync(path.join(outDir, others[0]));
    for (const name of others.slice(1)) fs.writeFileSync(path.join(outDir, name), 'not ours');
    fs.writeFileSync(path.join(outDir, 'keep.gguf'), 'done');
    const halfModel = path.join(dataDir, 'models', `.import-mdl_abc-${dead}`);
    fs.mkdirSync(halfModel, { recursive: true });
    const removed = sweepAfterDeploy(dataDir, { op: 'export', modelId: 'm', format: 'gguf', dtypes: ['q8_0'], outPath: path.join(outDir, 'm.gguf') });
    expect(removed).toEqual([left]);
    expect(fs.readdirSync(outDir).sort()).toEqual(['keep.gguf', path.basename(live), ...others].sort());
    expect(fs.existsSync(halfModel)).toBe(false);
  });
});
