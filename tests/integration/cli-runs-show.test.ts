// `lathe runs show` on fine-tune runs recorded as the trainer leaves them (straight through the store): a full run
// records the LoRA defaults its input schema filled in, and its settings are shown without them, so it does not
// read as a LoRA run; a LoRA run shows them; the JSON is the record as it is, which training and resume read.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { lathe, tempDir } from './helpers/lathe.ts';

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
  it('leaves the LoRA settings out of a full run’s config, keeps them for a LoRA run, and the JSON keeps the record', () => {
    const full = lathe(dataDir, ['runs', 'show', ids.full]);
    expect(full.code, full.stderr).toBe(0);
    const config = full.stdout.split('\n').find((l) => l.startsWith('config:'));
    expect(config).toContain('"method":"full"');
    expect(config).toContain('"maxSteps":1500');
    expect(config).not.toMatch(/lora|merge/i);
    expect(lathe(dataDir, ['runs', 'show', ids.lora]).stdout).toMatch(/^config:.*"lora":\{"r":8.*"loraTargets":\["q_proj","v_proj"\].*"merge":true/m);
    expect(lathe(dataDir, ['runs', 'show', ids.full, '--json']).json<Run>().config).toEqual(recorded('full'));
  });
});

describe('lathe runs show on a project’s run', () => {
  it('names the project beside its id, and a dash for a run outside any project', () => {
    const store = openStore(dataDir);
    const project = store.projects.create({ name: 'sst2-sentiment', task: 'classification' });
    const run = store.runs.create({ kind: 'finetune', name: 'in-project', status: 'succeeded', config: recorded('full'), projectId: project.id });
    store.close();
    const shown = lathe(dataDir, ['runs', 'show', run.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^project:\\s+sst2-sentiment \\(${project.id}\\)$`, 'm'));
    expect(lathe(dataDir, ['runs', 'show', ids.full]).stdout).toMatch(/^project:\s+—$/m);
  });

  it('says how long a run spent running, and a dash for a run that never started', () => {
    const store = openStore(dataDir);
    const ran = store.runs.create({ kind: 'finetune', name: 'ran', config: recorded('full') });
    store.runs.setStatus(ran.id, 'running');
    store.runs.setStatus(ran.id, 'succeeded');
    const idle = store.runs.create({ kind: 'finetune', name: 'never started', config: recorded('full') });
    store.close();
    expect(lathe(dataDir, ['runs', 'show', ran.id]).stdout).toMatch(/^time running:\s+[\d.,]+ s$/m);
    expect(lathe(dataDir, ['runs', 'show', idle.id]).stdout).toMatch(/^time running:\s+—$/m);
  });
});
