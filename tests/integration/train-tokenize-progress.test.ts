// Tokenizing a run's data (fine-tune examples, a classifier's texts, DPO's and a pairwise reward model's pairs: one
// loop, native/train/tokenize-in-turns.ts) hears a cancel between batches. Tokenizing a fine-tune's examples says how far it got. On a large split (SST-2's 60k rows) it took most of a
// minute on a busy machine, and `lathe train` printed nothing between 'run RUN' and the first training step, as if
// it had hung. The report comes every half second at most (Date.now is stepped a second per reading here, so
// every 256th example reports), as progress 0 with no ETA: the run's own progress starts with its steps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { resumeFinetune, startFinetune } from '../../native/train/finetune.ts';
import { resumeDpo, startDpo } from '../../native/train/dpo.ts';
import { resumeReward, startReward } from '../../native/train/reward.ts';
import { runDir } from '../../native/train/run-env.ts';
import type { TrainEnv } from '../../native/train/run-env.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-tokenize-progress-'));
const dataDir = path.join(root, 'data');
let store: Store;

beforeAll(async () => {
  const src = path.join(root, 'src');
  const config = CONFIGS.llama3;
  await writeHfFolder(src, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
  await importModelFolder(dataDir, src, 'tiny');
  store = openStore(dataDir);
  const file = path.join(root, 'rows.jsonl');
  fs.writeFileSync(file, Array.from({ length: 600 }, (_, i) => JSON.stringify({ text: `row ${i} says hello`, summary: `hi ${i}` })).join('\n') + '\n');
  await importDataset({ path: file, name: 'rows', split: { train: 0.9, validation: 0.1, test: 0 }, mapping: { input: 'text', target: 'summary' } }, { store, dataDir });
  const labelled = path.join(root, 'labelled.jsonl');
  fs.writeFileSync(labelled, Array.from({ length: 600 }, (_, i) => JSON.stringify({ text: `row ${i} says hello`, label: String(i % 2) })).join('\n') + '\n');
  await importDataset({ path: labelled, name: 'labelled', split: { train: 0.9, validation: 0.1, test: 0 }, mapping: { text: 'text', label: 'label' } }, { store, dataDir });
  const pairs = path.join(root, 'pairs.jsonl');
  fs.writeFileSync(pairs, Array.from({ length: 600 }, (_, i) => JSON.stringify({ prompt: `q ${i}`, chosen: `good ${i}`, rejected: `bad ${i}` })).join('\n') + '\n');
  await importDataset({ path: pairs, name: 'pairs', split: { train: 0.9, validation: 0.1, test: 0 }, mapping: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } }, { store, dataDir });
}, 60_000);
afterAll(() => {
  store?.close();
  fs.rmSync(root, { recursive: true, force: true });
});


/**
 * A training environment that cancels at its first 'tokenizing' report, the reports it saw, and `run`, which starts a
 * run in it with a clock that moves a second a call (so every batch of texts reports).
 */
function cancelledAtFirstTokenizing(): { env: TrainEnv; reports: string[]; run: <T>(start: () => Promise<T>) => Promise<T> } {
  const controller = new AbortController();
  const reports: string[] = [];
  const env: TrainEnv = {
    store, dataDir, signal: controller.signal, threads: 1,
    log: () => {}, onRun: () => {}, metric: () => {},
    progress: (_f, message) => {
      reports.push(message);
      if (message.startsWith('tokenizing')) setImmediate(() => controller.abort());
    },
  };
  const run = async <T>(start: () => Promise<T>): Promise<T> => {
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
    try {
      return await start();
    } finally {
      vi.restoreAllMocks();
    }
  };
  return { env, reports, run };
}

describe('fine-tuning reports tokenizing its examples', () => {
  it('progress lines name how many of the examples are tokenized, before the first step', async () => {
    const reports: { fraction: number; message: string; eta: number | null }[] = [];
    const env: TrainEnv = {
      store, dataDir, signal: new AbortController().signal, threads: 1,
      log: () => {}, onRun: () => {}, metric: () => {},
      progress: (fraction, message, eta) => void reports.push({ fraction, message, eta }),
    };
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
    try {
      const outcome = await startFinetune({ model: 'tiny', dataset: 'rows', method: 'lora', maxSteps: 1, evalEvery: 0, seqLen: 32, merge: false }, env);
      expect(outcome.status).toBe('completed');
    } finally {
      vi.restoreAllMocks();
    }
    const tokenizing = reports.filter((r) => r.message.startsWith('tokenizing'));
    expect(tokenizing.map((r) => r.message)).toEqual(['tokenizing the examples: 256 of 600', 'tokenizing the examples: 512 of 600']);
    expect(tokenizing.every((r) => r.fraction === 0 && r.eta === null)).toBe(true);
    expect(reports.findIndex((r) => r.message.startsWith('step'))).toBeGreaterThan(reports.indexOf(tokenizing[1]));
  }, 120_000);

  it('a cancel while tokenizing is heard there: the run stops before any trainer or checkpoint, and resumes from the model', async () => {
    // the first report is the moment to cancel: the loop must stop at its next turn, not after all 600 examples
    const { env, reports, run } = cancelledAtFirstTokenizing();
    const outcome = await run(() => startFinetune({ model: 'tiny', dataset: 'rows', method: 'lora', maxSteps: 1, evalEvery: 0, seqLen: 32, merge: false }, env));
    expect(outcome.status).toBe('cancelled');
    expect(outcome.steps).toBe(0);
    expect(reports).toEqual(['tokenizing the examples: 256 of 600']);
    expect(store.runs.get(outcome.runId)!.status).toBe('cancelled');
    expect(listCheckpoints(runDir(dataDir, outcome.runId))).toEqual([]);
    const resumed = await resumeFinetune(outcome.runId, { ...env, signal: new AbortController().signal, progress: () => {} });
    expect(resumed.status).toBe('completed');
    expect(resumed.steps).toBe(1);
  }, 120_000);
});

describe("a reward run's tokenizing hears a cancel", () => {
  it("a classifier's texts: a cancel there stops the run before any trainer or checkpoint, and it resumes from the model", async () => {
    // cancelled at the first report: the texts stop at the next turn (the 512th of 600), not after the last
    const { env, reports, run } = cancelledAtFirstTokenizing();
    const outcome = await run(() => startReward({ model: 'tiny', dataset: 'labelled', maxSteps: 1, batchSize: 4, seqLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, env));
    expect(outcome.status).toBe('cancelled');
    expect(outcome.steps).toBe(0);
    expect(outcome.modelDir).toBeNull();
    expect(reports).toEqual(['tokenizing the texts: 256 of 600']);
    expect(store.runs.get(outcome.runId)!.status).toBe('cancelled');
    expect(listCheckpoints(runDir(dataDir, outcome.runId))).toEqual([]);
    const resumed = await resumeReward(outcome.runId, { ...env, signal: new AbortController().signal, progress: () => {} });
    expect(resumed.status).toBe('completed');
    expect(resumed.steps).toBe(1);
    expect(resumed.labels).toEqual(['0', '1']);
  }, 120_000);

  it("a pairwise model's pairs: a cancel there stops the run before any trainer or checkpoint, and it resumes from the model", async () => {
    const { env, reports, run } = cancelledAtFirstTokenizing();
    const outcome = await run(() => startReward({ model: 'tiny', dataset: 'pairs', objective: 'pairwise', maxSteps: 1, batchSize: 4, seqLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, env));
    expect(outcome.status).toBe('cancelled');
    expect(outcome.steps).toBe(0);
    expect(outcome.modelDir).toBeNull();
    expect(reports).toEqual(['tokenizing the pairs: 256 of 600']);
    expect(store.runs.get(outcome.runId)!.status).toBe('cancelled');
    expect(listCheckpoints(runDir(dataDir, outcome.runId))).toEqual([]);
    const resumed = await resumeReward(outcome.runId, { ...env, signal: new AbortController().signal, progress: () => {} });
    expect(resumed.status).toBe('completed');
    expect(resumed.steps).toBe(1);
    expect(resumed.objective).toBe('pairwise');
  }, 120_000);
});

describe("a DPO run's tokenizing hears a cancel", () => {
  it('the pairs: a cancel there stops the run before any reference pass, trainer or checkpoint, and it resumes from the model', async () => {
    // cancelled at the first report: the pairs stop at the next turn (the 512th of 600), not after the last
    const { env, reports, run } = cancelledAtFirstTokenizing();
    const outcome = await run(() => startDpo({ model: 'tiny', dataset: 'pairs', maxSteps: 1, batchSize: 2, seqLen: 32, evalEvery: 0, saveEvery: 0, merge: false, threads: 1 }, env));
    expect(outcome.status).toBe('cancelled');
    expect(outcome.steps).toBe(0);
    expect([outcome.adapterPath, outcome.outputModel]).toEqual([null, null]);
    expect(reports).toEqual(['tokenizing the pairs: 256 of 600']);
    expect(store.runs.get(outcome.runId)!.status).toBe('cancelled');
    const dir = runDir(dataDir, outcome.runId);
    expect(listCheckpoints(dir)).toEqual([]);
    const resumed = await resumeDpo(outcome.runId, { ...env, signal: new AbortController().signal, progress: () => {} });
    expect(resumed.status).toBe('completed');
    expect(resumed.steps).toBe(1);
    expect([resumed.trainPairs, resumed.validationPairs]).toEqual([540, 60]);
  }, 180_000);
});
