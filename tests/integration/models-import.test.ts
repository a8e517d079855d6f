// Model imports as 'model-import' jobs through the Studio API: a sharded random Llama folder is copied with
// progress per file and registered only once whole; cancelling mid-copy and refusing a bad folder leave nothing
// in the data directory; errors name the file and the tensor. The CLI runs the same import in the foreground.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../native/api/contract.ts';
import type { Job, Model } from '../../native/api/schemas.ts';
import { INDEX_FILE, writeHfFolder } from '../../native/models/checkpoint.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { Studio } from '../../native/studio/studio.ts';
import { CONFIGS, charTokenizer, randomTensors, tensorShapes } from '../fixtures/models/random-checkpoint.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const tmp = tempDir('models-import');
const llama = CONFIGS.llama3;
const { tokenizer, tokenizerConfig } = charTokenizer(llama.vocab_size as number);
const SHARD_BYTES = 24 * 1024;

/** A Llama big enough that copying it takes a while: 16 layers of 512 wide, ~160 MB of zeros in 10 MB shards. */
const BIG = { ...llama, hidden_size: 512, intermediate_size: 1024, num_hidden_layers: 16, num_attention_heads: 8, num_key_value_heads: 8, rope_scaling: null };

function zeros(config: Record<string, unknown>): Map<string, Tensor> {
  return new Map([...tensorShapes(config)].map(([name, shape]) => [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }]));
}

const modelsIn = (dataDir: string) => (fs.existsSync(path.join(dataDir, 'models')) ? fs.readdirSync(path.join(dataDir, 'models')) : []);

describe('model imports as jobs', () => {
  let studio: Studio;
  const dataDir = path.join(tmp, 'data');
  const events: StudioEvent[] = [];
  const updates = (id: string) => events.filter((e): e is Extract<StudioEvent, { type: 'job.updated' }> => e.type === 'job.updated' && e.payload.id === id).map((e) => e.payload);
  const finish = async (job: Job) => {
    await studio.queue.whenFinished(job.id);
    return studio.call('jobs.get', { id: job.id });
  };

  beforeAll(async () => {
    await writeHfFolder(path.join(tmp, 'sharded'), { config: llama, tensors: randomTensors(llama, 3), tokenizer, tokenizerConfig, generationConfig: { eos_token_id: 60 }, maxShardBytes: SHARD_BYTES });
    await writeHfFolder(path.join(tmp, 'big'), { config: BIG, tensors: zeros(BIG), tokenizer, tokenizerConfig, maxShardBytes: 10 * 1024 * 1024 });
    // Wrong shape: one MLP weight transposed, in whichever shard holds it.
    const wrong = randomTensors(llama, 4);
    const down = wrong.get('model.layers.1.mlp.down_proj.weight')!;
    wrong.set('model.layers.1.mlp.down_proj.weight', { shape: [...down.shape].reverse(), data: down.data });
    await writeHfFolder(path.join(tmp, 'wrong-shape'), { config: llama, tensors: wrong, tokenizer, tokenizerConfig, maxShardBytes: SHARD_BYTES });
    // Truncated: the last shard lost its tail.
    await writeHfFolder(path.join(tmp, 'truncated'), { config: llama, tensors: randomTensors(llama, 5), tokenizer, tokenizerConfig, maxShardBytes: SHARD_BYTES });
    const shards = fs.readdirSync(path.join(tmp, 'truncated')).filter((f) => f.endsWith('.safetensors')).sort();
    const last = path.join(tmp, 'truncated', shards.at(-1)!);
    fs.truncateSync(last, fs.statSync(last).size - 100);
    // PyTorch-only: the layout of an older Hub repository, pickled pytorch_model.bin in place of safetensors.
    await writeHfFolder(path.join(tmp, 'pytorch-only'), { config: llama, tensors: randomTensors(llama, 6), tokenizer, tokenizerConfig });
    fs.renameSync(path.join(tmp, 'pytorch-only', 'model.safetensors'), path.join(tmp, 'pytorch-only', 'pytorch_model.bin'));
    studio = new Studio({ dataDir, mode: 'cli' });
    studio.listen((e) => events.push(e));
  });

  afterAll(async () => {
    await studio?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a sharded Hugging Face folder with progress per file, then shows its card', async () => {
    const src = path.join(tmp, 'sharded');
    const shards = fs.readdirSync(src).filter((f) => f.endsWith('.safetensors')).sort();
    expect(shards.length).toBeGreaterThan(2);
    const job = await studio.call('models.importFolder', { path: src, name: 'tiny-llama' });
    expect(job).toMatchObject({ kind: 'model-import', params: { source: 'folder', path: src, name: 'tiny-llama' } });
    const done = await finish(job);
    expect(done.state, done.error ?? '').toBe('succeeded');
    const model = (done.result as { model: Model }).model;
    expect(model).toMatchObject({ name: 'tiny-llama', architecture: 'LlamaForCausalLM', path: path.join(dataDir, 'models', model.id) });

    // Every file came across byte for byte, and nothing else is in models/ (no temporary folder).
    expect(fs.readdirSync(model.path).sort()).toEqual(['config.json', 'generation_config.json', INDEX_FILE, ...shards, 'tokenizer.json', 'tokenizer_config.json'].sort());
    for (const f of fs.readdirSync(model.path)) expect(fs.readFileSync(path.join(model.path, f)).equals(fs.readFileSync(path.join(src, f))), f).toBe(true);
    expect(modelsIn(dataDir)).toEqual([model.id]);

    // Progress named each shard with bytes copied of the total, and only grew.
    const seen = updates(job.id).filter((j) => j.state === 'running');
    const messages = seen.map((j) => j.message);
    for (const shard of shards) expect(messages.some((m) => m.startsWith(`copying ${shard} (file `) && / of [\d.]+ (B|KB|MB|GB) in all$/.test(m)), `${shard} in ${messages.join(' | ')}`).toBe(true);
    expect(messages.some((m) => /^copying .* \(file \d+ of \d+\): [\d.]+ (B|KB|MB|GB) of [\d.]+ (B|KB|MB|GB);/.test(m))).toBe(true);
    const fractions = seen.map((j) => j.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));

    const card = await studio.call('models.get', { id: model.id });
    expect(card.family).toBe('llama');
    expect(card.hyperparameters.find((h) => h.key === 'num_key_value_heads')).toMatchObject({ value: 2, meaning: expect.stringMatching(/Grouped-query attention/) });
    expect(card.diskBytes).toBe(fs.readdirSync(src).reduce((s, f) => s + fs.statSync(path.join(src, f)).size, 0));
  });

  it('refuses a second model of the same name, and a path that is not a model folder, at once', async () => {
    await expect(studio.call('models.importFolder', { path: path.join(tmp, 'sharded'), name: 'tiny-llama' })).rejects.toMatchObject({ code: 'conflict', details: { field: 'name' } });
    await expect(studio.call('models.importFolder', { path: path.join(tmp, 'nope'), name: 'x' })).rejects.toMatchObject({ code: 'invalid_params', message: expect.stringMatching(/nope: no such folder/), details: { field: 'path' } });
    await expect(studio.call('models.importFolder', { path: tmp, name: 'x' })).rejects.toMatchObject({ code: 'invalid_params', message: expect.stringMatching(/no config.json/), details: { field: 'path' } });
  });

  it('fails a bad folder with an error naming the file and tensor, leaving nothing behind', async () => {
    const before = modelsIn(dataDir);
    const wrong = await finish(await studio.call('models.importFolder', { path: path.join(tmp, 'wrong-shape'), name: 'wrong' }));
    expect(wrong.state).toBe('failed');
    expect(wrong.error).toMatch(/model-\d{5}-of-\d{5}\.safetensors: tensor 'model\.layers\.1\.mlp\.down_proj\.weight' has shape \[48,32\] but config\.json implies \[32,48\]/);
    expect(wrong.result).toMatchObject({ error: { code: 'invalid_params', details: { file: expect.stringMatching(/wrong-shape[\\/]model-\d{5}-of-\d{5}\.safetensors$/) } } });

    const truncated = await finish(await studio.call('models.importFolder', { path: path.join(tmp, 'truncated'), name: 'truncated' }));
    expect(truncated.state).toBe('failed');
    expect(truncated.error).toMatch(/truncated[\\/]model-\d{5}-of-\d{5}\.safetensors: tensor '[\w.]+' ends at byte \d+ of the data section but the file holds only \d+; the file is truncated/);

    expect(modelsIn(dataDir)).toEqual(before);
    expect((await studio.call('models.list', {})).map((m) => m.name)).toEqual(['tiny-llama']);
  });

  it('fails a folder of PyTorch .bin weights saying that Lathe reads safetensors and how to get them', async () => {
    const src = path.join(tmp, 'pytorch-only');
    const done = await finish(await studio.call('models.importFolder', { path: src, name: 'pytorch-only' }));
    expect(done.state).toBe('failed');
    expect(done.error).toContain(`${src}: holds PyTorch weights (pytorch_model.bin) but no model.safetensors; Lathe reads safetensors weights only`);
    expect(done.error).toMatch(/download the model's \.safetensors files from its Hugging Face page/);
    expect(done.error).toMatch(/save_pretrained\(folder, safe_serialization=True\)/);
  });

  it('refuses a llama2.c import of a file that is no checkpoint before any job, naming the file and the field', async () => {
    const ckpt = path.join(tmp, 'garbage.bin');
    fs.writeFileSync(ckpt, Buffer.alloc(12, 7));
    const jobsBefore = (await studio.call('jobs.list', {})).length;
    const refused = await studio.call('models.importLlama2c', { checkpoint: ckpt, tokenizer: ckpt, name: 'garbage' }).then(() => null, (err: unknown) => err);
    expect(refused).toMatchObject({ code: 'invalid_params', details: { field: 'checkpoint', file: ckpt } });
    expect((refused as Error).message).toMatch(/only 12 bytes: a llama2\.c checkpoint starts with a 28-byte header/);
    expect((await studio.call('jobs.list', {})).length).toBe(jobsBefore);
    expect((await studio.call('models.list', {})).map((m) => m.name)).toEqual(['tiny-llama']);
  });

  it('cancels a copy mid-way and removes the partial folder', async () => {
    const before = modelsIn(dataDir);
    const job = await studio.call('models.importFolder', { path: path.join(tmp, 'big'), name: 'big' });
    // Cancel as soon as the first shard is being copied.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no copy progress within 60 s: ${updates(job.id).map((j) => j.message).join(' | ')}`)), 60_000);
      const stop = studio.listen((e) => {
        if (e.type === 'job.updated' && e.payload.id === job.id && e.payload.message.startsWith('copying ')) {
          stop();
          clearTimeout(timer);
          void studio.call('jobs.cancel', { id: job.id }).then(() => resolve(), reject);
        }
      });
    });
    const done = await finish(job);
    expect(done.state).toBe('cancelled');
    const copied = updates(job.id).filter((j) => j.message.startsWith('copying ')).map((j) => j.message);
    expect(copied.at(-1)).not.toMatch(/\(file (\d+) of \1\)/); // it stopped before the last file
    expect(modelsIn(dataDir)).toEqual(before);
    expect((await studio.call('models.list', {})).map((m) => m.name)).toEqual(['tiny-llama']);
  });

  it('moves a training output already inside the data directory instead of copying it; copies one outside', async () => {
    const moveData = path.join(tmp, 'move-data');
    const output = path.join(moveData, 'runs', 'run_x', 'model');
    fs.cpSync(path.join(tmp, 'sharded'), output, { recursive: true });
    const files = fs.readdirSync(output).sort();
    const inode = fs.statSync(path.join(output, INDEX_FILE)).ino;
    // a taken name refuses before anything moves
    await importModelFolder(moveData, path.join(tmp, 'sharded'), 'outside', { move: true });
    expect(fs.readdirSync(path.join(tmp, 'sharded')).length).toBe(files.length);
    await expect(importModelFolder(moveData, output, 'outside', { move: true })).rejects.toMatchObject({ code: 'conflict' });
    expect(fs.readdirSync(output).sort()).toEqual(files);

    const model = await importModelFolder(moveData, output, 'trained', { move: true });
    expect(fs.readdirSync(model.path).sort()).toEqual(files);
    expect(fs.statSync(path.join(model.path, INDEX_FILE)).ino).toBe(inode); // renamed, not copied
    expect(fs.readdirSync(output)).toEqual([]);
    expect(modelsIn(moveData)).toHaveLength(2);
  });

  it('records the model and what the caller notes of it in one transaction: a note that fails leaves no row and no folder', async () => {
    const noteData = path.join(tmp, 'note-data');
    const noted: string[] = [];
    const model = await importModelFolder(noteData, path.join(tmp, 'sharded'), 'noted', { onRegistered: (store, m) => noted.push(`${m.name}:${store.models.find(m.id).id === m.id}`) });
    expect(noted).toEqual(['noted:true']);
    await expect(importModelFolder(noteData, path.join(tmp, 'sharded'), 'unnoted', { onRegistered: () => { throw new Error('the job row could not be written'); } })).rejects.toThrow(/job row/);
    const store = openStore(noteData);
    try {
      expect(store.models.list().map((m) => m.name)).toEqual(['noted']);
    } finally {
      store.close();
    }
    expect(modelsIn(noteData)).toEqual([path.basename(model.path)]);
  });

  it('runs the same import from the CLI, with a progress line on stderr', async () => {
    const cliData = path.join(tmp, 'cli-data');
    const r = await inProcessLathe(cliData, ['model', 'import', path.join(tmp, 'sharded'), '--name', 'tiny']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^imported tiny \(mdl_\w+\): LlamaForCausalLM/);
    expect(r.stderr).toMatch(/^\d+% copying config\.json \(file 1 of \d+\)/m);
    const bad = await inProcessLathe(cliData, ['model', 'import', path.join(tmp, 'wrong-shape'), '--name', 'wrong']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tensor 'model\.layers\.1\.mlp\.down_proj\.weight' has shape \[48,32\]/);
    expect(modelsIn(cliData)).toHaveLength(1);
    const inspect = await inProcessLathe(cliData, ['model', 'inspect', 'tiny']);
    expect(inspect.stdout).toMatch(/Key\/value heads\s+2\s+Grouped-query attention: 2 query heads share each/);
  });
});
