// Bad training input is refused before a run exists: an unmapped dataset, an unknown model or LoRA target, a shape
// the heads do not divide, a missing or too short corpus. Through the CLI (`lathe train`, `lathe pretrain`), the
// studio (`train.start`, `train.pretrain` answer invalid_params naming the field, and queue no job) and the trainers
// the jobs run (`startFinetune`, `runPretrain`): each leaves no run in `runs list` (it used to leave a 'failed' one).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { startFinetune } from '../../native/train/finetune.ts';
import { runPretrain } from '../../native/train/pretrain.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const SEED_TASKS = path.join(SHARED_DATA, 'datasets/alpaca/seed_tasks.jsonl');
const HAS_DATA = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin')) && fs.existsSync(SEED_TASKS);
if (!HAS_DATA) console.warn(`train-validation: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K and datasets/alpaca/seed_tasks.jsonl)`);

let dataDir = '';
let studio: Studio;

beforeAll(async () => {
  if (!HAS_DATA) return;
  dataDir = tempDir('train-validation');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  studio = new Studio({ dataDir, mode: 'serve' });
  const stories = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(stories, 40);
  for (const [file, name] of [[SEED_TASKS, 'seedraw'], [stories, 'stories']]) {
    const job = await studio.call('datasets.import', { path: file, name });
    await studio.queue.whenFinished(job.id);
  }
}, 60_000);

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const trainingRuns = () => studio.store.runs.list().filter((r) => r.kind === 'finetune' || r.kind === 'pretrain');
const trainingJobs = () => studio.store.jobs.list(500).filter((j) => j.kind === 'finetune' || j.kind === 'pretrain');

async function refusal(p: Promise<unknown>): Promise<StudioError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(StudioError);
  return err as StudioError;
}

const env = () => inProcessTrainEnv(studio, dataDir);

describe.skipIf(!HAS_DATA)('training input is checked before a run exists', () => {
  it('lathe train: an unmapped dataset is a clear error and leaves no run', async () => {
    const r = await inProcessLathe(dataDir, ['train', '--model', 's260k', '--dataset', 'seedraw', '--method', 'lora', '--max-steps', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/column mapping .* fits no training format/);
    // it says which columns there are and the command that maps them
    expect(r.stderr).toMatch(/to its columns \(.*instances.*\), e\.g\. 'lathe dataset map seedraw --input-column C --target-column C'/);
    expect(r.stderr).not.toMatch(/^run run_/m);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<unknown[]>()).toEqual([]);
  });

  it('lathe train / lathe pretrain: an unknown LoRA target, a missing or too short corpus leave no run', async () => {
    const target = await inProcessLathe(dataDir, ['train', '--model', 's260k', '--dataset', 'stories', '--targets', 'c_attn', '--max-steps', '5']);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/LoRA target module 'c_attn' matches nothing/);
    const missing = await inProcessLathe(dataDir, ['pretrain', '--corpus', path.join(dataDir, 'absent.txt'), '--steps', '2']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/absent\.txt: no such file; check the path/);
    const short = path.join(dataDir, 'short.txt');
    fs.writeFileSync(short, 'Once upon a time.\n');
    const tooShort = await inProcessLathe(dataDir, ['pretrain', '--corpus', short, '--steps', '2']);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(/too short/);
    // a compressed or binary file would train on its bytes as if they were text
    const gz = path.join(dataDir, 'corpus.txt.gz');
    fs.writeFileSync(gz, zlib.gzipSync('Once upon a time there was a cat. '.repeat(2000)));
    const compressed = await inProcessLathe(dataDir, ['pretrain', '--corpus', gz, '--steps', '2']);
    expect(compressed.stderr).toMatch(/corpus file .*corpus\.txt\.gz is not plain text: it is gzip-compressed; decompress it first/);
    const binary = await inProcessLathe(dataDir, ['pretrain', '--corpus', path.join(MODEL, 'stories260K.bin'), '--steps', '2']);
    expect(binary.stderr).toMatch(/stories260K\.bin is not plain text: it holds a NUL byte/);
    expect([compressed.code, binary.code]).toEqual([2, 2]);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<unknown[]>()).toEqual([]);
  });

  it('train.start names the field it refuses and queues no job', async () => {
    const mapping = await refusal(studio.call('train.start', { model: 's260k', dataset: 'seedraw', maxSteps: 5 }));
    expect(mapping.code).toBe('invalid_params');
    expect(mapping.details).toMatchObject({ field: 'dataset' });
    const format = await refusal(studio.call('train.start', { model: 's260k', dataset: 'stories', format: 'qa', maxSteps: 5 }));
    expect(format.details).toMatchObject({ field: 'format' });
    const target = await refusal(studio.call('train.start', { model: 's260k', dataset: 'stories', lora: { r: 4, alpha: 8, dropout: 0, targetModules: ['c_attn'] }, maxSteps: 5 }));
    expect(target.details).toMatchObject({ field: 'lora.targetModules' });
    const model = await refusal(studio.call('train.start', { model: 'absent', dataset: 'stories', maxSteps: 5 }));
    expect(model.code).toBe('not_found');
    // The output model's name is checked now, not when the run registers it after training.
    const taken = await refusal(studio.call('train.start', { model: 's260k', dataset: 'stories', outputName: 's260k', maxSteps: 5 }));
    expect([taken.code, taken.message, taken.details]).toEqual(['conflict', "a model named 's260k' already exists; choose another name", { field: 'outputName' }]);
    expect(trainingJobs()).toEqual([]);
    expect(trainingRuns()).toEqual([]);
  });

  it("an explicit sequence length beyond the model's context is refused before anything is read, under --seq-len and seqLen", async () => {
    // It trained at the context without a word; the only hint was a later 'longer than 512 tokens were cut'.
    const said = "the sequence length 100000 is longer than model s260k's context of 512 tokens; give 512 or less, or leave it out for the default (256)";
    for (const command of [['train'], ['align', 'dpo'], ['align', 'reward']]) {
      const r = await inProcessLathe(dataDir, [...command, '--model', 's260k', '--dataset', 'stories', '--seq-len', '100000', '--max-steps', '2']);
      expect(r.stderr).toContain(`lathe ${command.join(' ')}: --seq-len: ${said}\nUsage: lathe ${command.join(' ')}`);
      expect(r.code).toBe(2);
    }
    for (const method of ['train.start', 'align.dpo', 'align.reward'] as const) {
      const err = await refusal(studio.call(method, { model: 's260k', dataset: 'stories', seqLen: 100000, maxSteps: 2 }));
      expect([err.code, err.message, err.details]).toEqual(['invalid_params', said, { field: 'seqLen' }]);
    }
    // the Fine-tune form's limit, from the same number (trainForm's problems)
    expect((await studio.call('train.defaults', { model: 's260k' })).context).toBe(512);
    expect(trainingJobs()).toEqual([]);
    expect(studio.store.runs.list()).toEqual([]);
  });

  it('train.pretrain refuses a shape the heads do not divide and a corpus that is not a file', async () => {
    const corpus = path.join(dataDir, 'corpus.txt');
    fs.writeFileSync(corpus, 'The quick brown fox jumps over the lazy dog. '.repeat(200));
    const shape = await refusal(studio.call('train.pretrain', { corpus, dModel: 130, heads: 4, steps: 2 }));
    expect(shape.details).toMatchObject({ field: 'dModel' });
    const folder = await refusal(studio.call('train.pretrain', { corpus: dataDir, steps: 2 }));
    expect(folder.details).toMatchObject({ field: 'corpus' });
    const taken = await refusal(studio.call('train.pretrain', { corpus, steps: 2, outputName: 's260k' }));
    expect([taken.code, taken.details]).toEqual(['conflict', { field: 'outputName' }]);
    expect(trainingJobs()).toEqual([]);
    expect(trainingRuns()).toEqual([]);
  });

  it('the trainers a job runs check before creating the run', async () => {
    await expect(startFinetune({ model: 's260k', dataset: 'seedraw', maxSteps: 5 }, env())).rejects.toThrow(/fits no training format/);
    const short = path.join(dataDir, 'short.txt');
    await expect(runPretrain({ corpus: short, steps: 2 }, env())).rejects.toThrow(/too short/);
    expect(trainingRuns()).toEqual([]);
  });

  it('a model that holds only ONNX weights (a quantised variant) is refused before a run or job exists', async () => {
    // The s260k folder as a quantised variant leaves it: config and tokenizer, ONNX weights, no safetensors.
    const base = studio.store.models.find('s260k');
    const onnxOnly = path.join(dataDir, 'models', 's260k-onnx-only');
    fs.cpSync(base.path, onnxOnly, { recursive: true });
    for (const f of fs.readdirSync(onnxOnly)) if (f.endsWith('.safetensors') || f === 'model.safetensors.index.json') fs.rmSync(path.join(onnxOnly, f));
    fs.mkdirSync(path.join(onnxOnly, 'onnx'), { recursive: true });
    const { id: baseId, createdAt: _createdAt, ...input } = base;
    studio.store.models.create({ ...input, name: 's260k-q4-like', path: onnxOnly, source: `quantize:${baseId}:q4` });
    const jobsBefore = trainingJobs().length;
    const err = await refusal(studio.call('train.start', { model: 's260k-q4-like', dataset: 'stories', maxSteps: 2 }));
    expect(err.message).toMatch(/model s260k-q4-like holds only ONNX weights .* train the model it was made from/);
    expect(err.details).toMatchObject({ field: 'model' });
    await expect(startFinetune({ model: 's260k-q4-like', dataset: 'stories', maxSteps: 2 }, env())).rejects.toThrow(/holds only ONNX weights/);
    expect(trainingRuns()).toEqual([]);
    expect(trainingJobs()).toHaveLength(jobsBefore);
  });
});
