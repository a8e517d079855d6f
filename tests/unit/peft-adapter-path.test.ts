// An adapter path that is not a folder is named as such, resolved, with what to give instead. Before, a typo
// (`lathe export --model M --adapter nope`) said 'nope: no adapter_config.json; is this a PEFT adapter folder?',
// which reads as a folder that exists but lacks a file, while `lathe merge --adapter nope` said 'no such folder'.
// A LoRA run's own folder (DATA_DIR/runs/RUN, one level above its adapter/) is pointed at the adapter inside.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeToFolder } from '../../native/deploy/merge-model.ts';
import { readPeftAdapter } from '../../native/models/peft.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-peft-path-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const studios = tempStudios('lathe-peft-path-studio-', 'electron');
const GIVE = 'give the folder of a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)';

describe('readPeftAdapter on a path that holds no adapter', () => {
  it('a missing path: no such folder, resolved', () => {
    const rel = path.relative(process.cwd(), path.join(root, 'nope'));
    expect(() => readPeftAdapter(rel)).toThrow(`${path.join(root, 'nope')}: no such folder; check the path of the PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)`);
  });

  it('a file: said to be a file', () => {
    const file = path.join(root, 'adapter.safetensors');
    fs.writeFileSync(file, '');
    expect(() => readPeftAdapter(file)).toThrow(`${file} is a file; ${GIVE}`);
  });

  it('a folder without adapter_config.json: named, with what it should hold', () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    expect(() => readPeftAdapter(dir)).toThrow(`${dir}: no adapter_config.json; is this a PEFT adapter folder? G${GIVE.slice(1)}`);
  });

  it("a LoRA run's folder: points at the adapter/ folder it holds", async () => {
    const run = path.join(root, 'run_1');
    fs.mkdirSync(path.join(run, 'adapter'), { recursive: true });
    fs.writeFileSync(path.join(run, 'adapter', 'adapter_config.json'), '{}');
    const meant = `${run}: no adapter_config.json here, but its adapter/ folder is a PEFT adapter (a LoRA run's); give ${path.join(run, 'adapter')}`;
    expect(() => readPeftAdapter(run)).toThrow(meant);
    // lathe merge --adapter checks the folder itself first: the same answer
    await expect(mergeToFolder(path.join(root, 'base'), run, path.join(root, 'out'))).rejects.toThrow(meant);
    // and the studio's merge and export (the Integrate page, 'lathe serve')
    const { studio } = studios.open();
    studio.store.models.create({ name: 'tiny', architecture: 'llama', path: 'models/tiny', config: {}, parameterCount: 1, source: 'test' });
    const merge = await refusal(studio.call('deploy.merge', { modelId: 'tiny', adapterPath: run, name: 'merged' }));
    expect([merge.message, merge.details]).toEqual([meant, { field: 'adapterPath', file: run }]);
    const gguf = await refusal(studio.call('deploy.export', { modelId: 'tiny', adapterPath: run, format: 'gguf', dtypes: ['f16'], outPath: path.join(root, 'x.gguf') }));
    expect(gguf.message).toBe(meant);
  });
});
