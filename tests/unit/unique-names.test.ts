// Names are how people pick projects, datasets and models (lists, the CLI): a second one of the same name is refused
// where it would be created — create, rename, import, a training run's output — with a conflict naming the field.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-names-', 'electron');
const openStudio = (): Studio => studios.open().studio;

describe('unique names', () => {
  it('refuses a second project of a name, on create and on rename, and allows saving a project under its own name', async () => {
    const studio = openStudio();
    const a = await studio.call('projects.create', { name: 'summaries', task: 'summarization' });
    const b = await studio.call('projects.create', { name: 'answers', task: 'qa' });
    const again = await refusal(studio.call('projects.create', { name: 'summaries', task: 'qa' }));
    expect([again.code, again.message, again.details]).toEqual(['conflict', "a project named 'summaries' already exists; choose another name", { field: 'name' }]);
    const rename = await refusal(studio.call('projects.update', { id: b.id, patch: { name: 'summaries' } }));
    expect([rename.code, rename.details]).toEqual(['conflict', { field: 'name' }]);
    expect((await studio.call('projects.update', { id: a.id, patch: { name: 'summaries', description: 'same name, new text' } })).description).toBe('same name, new text');
    expect((await studio.call('projects.list', {})).map((p) => p.name)).toEqual(['summaries', 'answers']);
  });

  it('refuses a dataset import under a taken name at once, and in the importer itself', async () => {
    const studio = openStudio();
    const file = path.join(studio.options.dataDir, 'rows.jsonl');
    fs.writeFileSync(file, '{"text":"a"}\n{"text":"b"}\n');
    await importDataset({ path: file, name: 'rows' }, { store: studio.store, dataDir: studio.options.dataDir });
    const viaApi = await refusal(studio.call('datasets.import', { path: file, name: 'rows' }));
    expect([viaApi.code, viaApi.message, viaApi.details]).toEqual(['conflict', "a dataset named 'rows' already exists; choose another name", { field: 'name' }]);
    const direct = await refusal(importDataset({ path: file, name: 'rows' }, { store: studio.store, dataDir: studio.options.dataDir }));
    expect(direct.code).toBe('conflict');
    expect(await studio.call('jobs.list', {})).toEqual([]);
    expect(fs.readdirSync(path.join(studio.options.dataDir, 'datasets'))).toHaveLength(1);
  });
});
