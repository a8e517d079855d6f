// Fine-tuning with default settings on real data whose examples are longer than the sequence length: DialogSum's
// dialogues run past stories260K's default 256-token window. A plain end cut left those examples with no summary
// token to score, a batch of them had a mean loss of 0/0, and the run stopped with NaN at step 2.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finetuneCutWarning } from '../../native/api/train.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { startFinetune } from '../../native/train/finetune.ts';
import type { TrainEnv } from '../../native/train/run-env.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const DIALOGSUM = path.join(SHARED_DATA, 'datasets/dialogsum/train.jsonl');
const HAS_DATA = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin')) && fs.existsSync(DIALOGSUM);
if (!HAS_DATA) console.warn(`train-long-examples: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K and datasets/dialogsum)`);

let dataDir = '';
let studio: Studio;

beforeAll(async () => {
  if (!HAS_DATA) return;
  dataDir = tempDir('train-long');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  studio = new Studio({ dataDir, mode: 'serve' });
  const file = path.join(dataDir, 'dialogsum-head.jsonl');
  fs.writeFileSync(file, fs.readFileSync(DIALOGSUM, 'utf8').split('\n').slice(0, 240).join('\n') + '\n');
  const job = await studio.call('datasets.import', { path: file, name: 'dialogsum-head' });
  await studio.queue.whenFinished(job.id);
}, 60_000);

afterAll(async () => {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!HAS_DATA)('LoRA with default settings on DialogSum', () => {
  it('trains past the step where over-long examples made the loss NaN, every step finite', async () => {
    const losses: number[] = [];
    const warnings: string[] = [];
    const env: TrainEnv = {
      store: studio.store,
      dataDir,
      signal: new AbortController().signal,
      log: (level, line) => { if (level === 'warn') warnings.push(line); },
      progress: () => {},
      onRun: () => {},
      metric: (_runId, _step, name, value) => { if (name === 'loss') losses.push(value); },
      threads: 1,
    };
    const outcome = await startFinetune({ model: 's260k', dataset: 'dialogsum-head', method: 'lora', maxSteps: 8, evalEvery: 0 }, env);
    expect(outcome.status).toBe('completed');
    expect(warnings.join('\n')).toMatch(/longer than 256 tokens/); // the data really is over-long…
    expect(warnings.join('\n')).not.toMatch(/no completion token/); // …and every example still has a summary to learn
    // the outcome's count is of the training examples it is printed beside; the warning's covers validation too
    const [, cutAll] = /([\d,]+) of [\d,]+ examples are longer/.exec(warnings.join('\n')) ?? [];
    expect(outcome.truncatedExamples).toBeLessThanOrEqual(outcome.trainExamples);
    expect(outcome.truncatedExamples).toBeLessThan(Number(cutAll.replaceAll(',', ''))); // counts are grouped: 1,234
    // the run view's cut warning weighs the sequence length against the model's context, which the outcome records
    expect(outcome.modelContext).toBe(512);
    expect(finetuneCutWarning(outcome, 256)!.detail).toContain('A longer sequence length (the “Sequence length” setting) keeps more of them, up to 512');
    expect(finetuneCutWarning(outcome, 512)!.detail).toContain("already the model's context (512)");
    expect(losses).toHaveLength(8);
    expect(losses.every(Number.isFinite)).toBe(true);
  });
});
