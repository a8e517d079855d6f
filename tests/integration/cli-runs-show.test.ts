// `lathe runs show` on fine-tune runs recorded as the trainer leaves them (straight through the store): a full run
// records the LoRA defaults its input schema filled in, and its settings are shown without them, so it does not
// read as a LoRA run, a field a line; a LoRA run shows them; the JSON is the record as it is, which training and resume read.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-runs-show');
const recorded = (method: string) => ({ method, modelName: 's260k', lr: 5e-4, maxSteps: 1500, lora: { r: 8, alpha: 16, dropout: 0.05 }, loraTargets: ['q_proj', 'v_proj'], merge: true });
const ids = { full: '', lora: '' };
beforeAll(() => {
  const store = openStore(dataDir);
  ids.full = store.runs.create({ kind: 'finetune', name: 'full', status: 'succeeded', config: recorded('full') }).id;
  ids.lora = store.runs.create({ kind: 'finetune', name: 'lora', status: 'succeeded', config: recorded('lora') }).id;
  store.close();
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('lathe runs show on a fine-tune', () => {
  it('leaves the LoRA settings out of a full run’s config, keeps them for a LoRA run, and the JSON keeps the record', async () => {
    const full = await inProcessLathe(dataDir, ['runs', 'show', ids.full]);
    expect(full.code, full.stderr).toBe(0);
    // one field a line, a nested one's fields indented under it (it was one long JSON line)
    const config = full.stdout.slice(full.stdout.indexOf('\nconfig:\n') + 1).split('\n\n')[0].trimEnd();
    expect(config).toBe('config:\n  method: full\n  modelName: s260k\n  lr: 0.0005\n  maxSteps: 1500');
    expect((await inProcessLathe(dataDir, ['runs', 'show', ids.lora])).stdout).toContain(
      'config:\n  method: lora\n  modelName: s260k\n  lr: 0.0005\n  maxSteps: 1500\n  lora:\n    r: 8\n    alpha: 16\n    dropout: 0.05\n  loraTargets: q_proj, v_proj\n  merge: true',
    );
    expect((await inProcessLathe(dataDir, ['runs', 'show', ids.full, '--json'])).json<Run>().config).toEqual(recorded('full'));
  });
});

describe('lathe runs show on a project’s run', () => {
  it('names the project beside its id, and a dash for a run outside any project', async () => {
    const store = openStore(dataDir);
    const project = store.projects.create({ name: 'sst2-sentiment', task: 'classification' });
    const run = store.runs.create({ kind: 'finetune', name: 'in-project', status: 'succeeded', config: recorded('full'), projectId: project.id });
    store.close();
    const shown = await inProcessLathe(dataDir, ['runs', 'show', run.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^project:\\s+sst2-sentiment \\(${project.id}\\)$`, 'm'));
    expect((await inProcessLathe(dataDir, ['runs', 'show', ids.full])).stdout).toMatch(/^project:\s+—$/m);
  });

  it('says how long a run spent running, and a dash for a run that never started', async () => {
    const store = openStore(dataDir);
    const ran = store.runs.create({ kind: 'finetune', name: 'ran', config: recorded('full') });
    store.runs.setStatus(ran.id, 'running');
    store.runs.setStatus(ran.id, 'succeeded');
    const idle = store.runs.create({ kind: 'finetune', name: 'never started', config: recorded('full') });
    store.close();
    expect((await inProcessLathe(dataDir, ['runs', 'show', ran.id])).stdout).toMatch(/^time running:\s+[\d.,]+ s$/m);
    expect((await inProcessLathe(dataDir, ['runs', 'show', idle.id])).stdout).toMatch(/^time running:\s+—$/m);
  });
});

describe('lathe runs show on a failed run', () => {
  it('says why it failed, under its status, and the JSON keeps it; a run that did not fail has no error line', async () => {
    const store = openStore(dataDir);
    const failed = store.runs.create({ kind: 'finetune', name: 'failed', config: recorded('full') });
    store.runs.setStatus(failed.id, 'running');
    store.runs.fail(failed.id, new Error('loss became NaN at step 3'));
    store.close();
    const shown = await inProcessLathe(dataDir, ['runs', 'show', failed.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^status:\s+failed\nerror:\s+loss became NaN at step 3$/m);
    expect((await inProcessLathe(dataDir, ['runs', 'show', failed.id, '--json'])).json<Run>().error).toBe('loss became NaN at step 3');
    expect((await inProcessLathe(dataDir, ['runs', 'show', ids.full])).stdout).not.toMatch(/^error:/m);
  });
});

describe('lathe runs show on a training run’s results', () => {
  it('prints each metric’s last recorded value, losses first, and the JSON carries them as numbers', async () => {
    const store = openStore(dataDir);
    const run = store.runs.create({ kind: 'pretrain', name: 'scratch', status: 'succeeded', config: { family: 'llama', steps: 300 } });
    // a long run: runs show reads a few points of each series, and the last must be among them
    for (let step = 1; step <= 300; step++) {
      store.runs.addMetric({ runId: run.id, step, name: 'loss', value: step === 300 ? 2.3456 : 5 - step / 100 });
      store.runs.addMetric({ runId: run.id, step, name: 'lr', value: step === 300 ? 3e-5 : 1e-3 });
      if (step % 100 === 0) store.runs.addMetric({ runId: run.id, step, name: 'val_loss', value: 3 - step / 1000 });
    }
    store.runs.addMetric({ runId: run.id, step: 300, name: 'loss_full', value: 2.6 });
    store.runs.addMetric({ runId: run.id, step: 300, name: 'unigram_loss', value: 4.25 });
    const silent = store.runs.create({ kind: 'finetune', name: 'never stepped', status: 'failed', config: recorded('full') });
    store.close();

    const shown = await inProcessLathe(dataDir, ['runs', 'show', run.id]);
    expect(shown.code, shown.stderr).toBe(0);
    const table = shown.stdout.slice(shown.stdout.indexOf('final metrics')).trimEnd().split('\n');
    expect(table[0]).toBe("final metrics (each one's last recorded value):");
    expect(table.slice(2).map((l) => l.split(/\s+/))).toEqual([
      ['loss', '2.346', '300'], ['val_loss', '2.7', '300'], ['loss_full', '2.6', '300'], ['lr', '3e-5', '300'], ['unigram_loss', '4.25', '300'],
    ]);
    expect((await inProcessLathe(dataDir, ['runs', 'show', run.id, '--json'])).json<{ finalMetrics: unknown }>().finalMetrics).toEqual([
      { name: 'loss', step: 300, value: 2.3456 }, { name: 'val_loss', step: 300, value: 2.7 }, { name: 'loss_full', step: 300, value: 2.6 }, { name: 'lr', step: 300, value: 3e-5 }, { name: 'unigram_loss', step: 300, value: 4.25 },
    ]);
    // a run that recorded nothing says nothing more
    const none = await inProcessLathe(dataDir, ['runs', 'show', silent.id]);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).not.toMatch(/metrics/);
  });
});
