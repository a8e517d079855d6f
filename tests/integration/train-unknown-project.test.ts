// A reward or pretraining run filed under a project that does not exist is refused naming it, before the run is
// recorded: both once failed on the run's insert with SQLite's 'FOREIGN KEY constraint failed' (found through
// `lathe align reward --project nope`), as fine-tuning, DPO and PPO never did.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../native/studio/studio.ts';
import { runPretrain } from '../../native/train/pretrain.ts';
import { startReward } from '../../native/train/reward.ts';
import { tempDir } from './helpers/lathe.ts';
import { closeStudio } from './helpers/stories-studio.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';

let dataDir = '';
let studio: Studio;

beforeAll(() => {
  dataDir = tempDir('train-unknown-project');
  studio = new Studio({ dataDir, mode: 'serve' });
});
afterAll(() => closeStudio(studio, dataDir));
const env = () => inProcessTrainEnv(studio, dataDir);

describe('a training run for a project that does not exist', () => {
  it('pretraining is refused naming the project, and records no run', async () => {
    const corpus = path.join(dataDir, 'corpus.txt');
    fs.writeFileSync(corpus, 'The cat sat on the mat and the dog lay by the door. '.repeat(120));
    await expect(runPretrain({ corpus, layers: 1, heads: 2, dModel: 16, context: 16, vocab: 260, steps: 1, projectId: 'proj_nope' }, env()))
      .rejects.toMatchObject({ code: 'not_found', message: 'project proj_nope does not exist' });
    expect(studio.store.runs.list({})).toEqual([]);
  });

  it('a reward model is refused naming the project, and records no run', async () => {
    studio.store.models.create({ name: 'm', architecture: 'LlamaForCausalLM', path: path.join(dataDir, 'models', 'm'), config: {}, parameterCount: 1, source: 'test' });
    studio.store.datasets.insert({
      id: 'ds_1', projectId: null, name: 'labelled', sourcePath: '/x.tsv', format: 'tsv', compressed: false, columns: ['text', 'label'], rowCount: 4,
      contentHash: 'ab'.repeat(32), mapping: { text: 'text', label: 'label' }, splits: { train: 2, validation: 2, test: 0 }, splitSeed: 42, skippedRows: [], createdAt: new Date().toISOString(),
    });
    await expect(startReward({ model: 'm', dataset: 'labelled', projectId: 'proj_nope' }, env())).rejects.toMatchObject({ code: 'not_found', message: 'project proj_nope does not exist' });
    expect(studio.store.runs.list({})).toEqual([]);
  });
});
