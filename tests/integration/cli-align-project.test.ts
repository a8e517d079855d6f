// `lathe align dpo|reward|ppo --project P` (and `lathe pretrain --project P`) files the run under a project, as `lathe train --project` does, so the
// project's Align page and journey see it; before, the flag was unknown and CLI alignment runs belonged to none.
// Checked by the engine's answer to a project that does not exist: the flag reached it, naming the project.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../native/store/db.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

let dataDir = '';

beforeAll(() => {
  dataDir = tempDir('cli-align-project');
  const store = openStore(dataDir);
  try {
    store.models.create({ name: 'm', architecture: 'LlamaForCausalLM', path: path.join(dataDir, 'models', 'm'), config: {}, parameterCount: 1, source: 'test' });
    const dataset = (id: string, name: string, mapping: Record<string, string>) => store.datasets.insert({
      id, projectId: null, name, sourcePath: '/x.jsonl', format: 'jsonl', compressed: false, columns: Object.values(mapping), rowCount: 4,
      contentHash: 'ab'.repeat(32), mapping, splits: { train: 2, validation: 2, test: 0 }, splitSeed: 42, skippedRows: [], createdAt: new Date().toISOString(),
    });
    dataset('ds_pairs', 'pairs', { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' });
    dataset('ds_labelled', 'labelled', { text: 'text', label: 'label' });
  } finally {
    store.close();
  }
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('alignment runs take --project', () => {
  it('passes --project to DPO, reward and PPO runs, named by the engine when it does not exist', async () => {
    for (const args of [['align', 'dpo', '--dataset', 'pairs'], ['align', 'reward', '--dataset', 'labelled']]) {
      const r = await inProcessLathe(dataDir, [...args, '--model', 'm', '--project', 'nope']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`lathe ${args[0]} ${args[1]}: project nope does not exist`);
    }
    expect((await inProcessLathe(dataDir, ['align', 'ppo', '--help'])).stdout).toMatch(/--project VALUE +project id or name the run belongs to/);
    // and pretraining, from a corpus
    const corpus = path.join(dataDir, 'corpus.txt');
    fs.writeFileSync(corpus, 'The cat sat on the mat and the dog lay by the door. '.repeat(120));
    const pretrain = await inProcessLathe(dataDir, ['pretrain', '--corpus', corpus, '--layers', '1', '--heads', '2', '--d-model', '16', '--context', '16', '--vocab', '260', '--steps', '1', '--project', 'nope']);
    expect(pretrain.code).toBe(2);
    expect(pretrain.stderr).toContain('lathe pretrain: project nope does not exist');
  });

  it('refuses --project beside --resume, which keeps the run’s own settings', async () => {
    const r = await inProcessLathe(dataDir, ['align', 'dpo', '--resume', 'run_x', '--project', 'p']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--project/);
  });
});
