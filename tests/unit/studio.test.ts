// The Studio service in-process: every contract method has a handler, params are validated with the
// contract's schemas, failures come back as ApiErrors with codes and details, and patches only touch what
// they name.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { methods } from '../../native/api/contract.ts';
import { handlers } from '../../native/studio/handlers.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { importDataset } from '../../native/data/import.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-studio-', 'electron');
const openStudio = (): Studio => studios.open().studio;

describe('Studio service', () => {
  it('has exactly one handler per contract method', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(methods).sort());
  });

  it('reports its mode and data directory', async () => {
    const studio = openStudio();
    expect(await studio.call('system.info', {})).toMatchObject({ mode: 'electron', dataDir: studio.options.dataDir });
  });

  it('validates params and returns ApiErrors with codes and details', async () => {
    const studio = openStudio();
    const invalid = await refusal(studio.call('projects.create', { name: ' ', task: 'poetry' as never }));
    expect(invalid.code).toBe('invalid_params');
    expect(invalid.message).toMatch(/name: name must not be empty/);
    expect(invalid.details).toMatchObject({ field: 'name' });
    expect((await refusal(studio.call('projects.get', { id: 'proj_x' }))).code).toBe('not_found');
    expect(await studio.dispatch('projects.nope', {})).toEqual({ error: { code: 'unknown_method', message: "unknown method 'projects.nope'" } });
  });

  it('patches a project field by field', async () => {
    const studio = openStudio();
    const p = await studio.call('projects.create', { name: 'demo', task: 'qa', description: 'keep me', constraints: { device: 'cpu', memoryBudgetMb: 1024, maxLatencyMs: null } });
    const renamed = await studio.call('projects.update', { id: p.id, patch: { name: 'renamed' } });
    expect(renamed).toMatchObject({ name: 'renamed', description: 'keep me', constraints: { device: 'cpu', memoryBudgetMb: 1024 } });
    const limited = await studio.call('projects.update', { id: p.id, patch: { constraints: { maxLatencyMs: 200 } } });
    expect(limited.constraints).toEqual({ device: 'cpu', memoryBudgetMb: 1024, maxLatencyMs: 200 });
    expect(await studio.call('projects.delete', { id: p.id })).toEqual({ deleted: true, kept: { datasets: 0, runs: 0, collections: 0 } });
    expect(await studio.call('projects.list', {})).toEqual([]);
  });

  it('refuses an import it can refuse at once, naming the field', async () => {
    const studio = openStudio();
    const missing = await refusal(studio.call('datasets.import', { path: '/nonexistent/data.jsonl', name: 'x' }));
    expect([missing.code, missing.details]).toEqual(['invalid_params', expect.objectContaining({ field: 'path' })]);
    const file = path.join(studio.options.dataDir, 'a.csv');
    fs.writeFileSync(file, 'text,label\nhi,1\n');
    const badSplit = await refusal(studio.call('datasets.import', { path: file, name: 'x', split: { train: 0.9, validation: 0.2, test: 0 } }));
    expect(badSplit.message).toMatch(/add up to 1/);
    const noProject = await refusal(studio.call('datasets.import', { path: file, name: 'x', projectId: 'proj_none' }));
    expect(noProject.code).toBe('not_found');
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });

  it('pages rows by split, checks mappings against the columns and deletes files with the row', async () => {
    const studio = openStudio();
    const file = path.join(studio.options.dataDir, 'cls.tsv');
    fs.writeFileSync(file, `text\tlabel\n${Array.from({ length: 40 }, (_, i) => `row ${i}\t${i % 2}`).join('\n')}\n`);
    const d = await importDataset({ path: file, name: 'cls', split: { train: 0.5, validation: 0.25, test: 0.25 } }, { store: studio.store, dataDir: studio.options.dataDir });
    expect(d.mapping).toEqual({ text: 'text', label: 'label' });
    const all = await studio.call('datasets.rows', { id: d.id, offset: 38, limit: 5 });
    expect([all.total, all.rows.map((r) => r.text)]).toEqual([40, ['row 38', 'row 39']]);
    const pages = [];
    for (let offset = 0; offset < 10; offset += 4) pages.push(...(await studio.call('datasets.rows', { id: d.id, split: 'test', offset, limit: 4 })).rows);
    expect(pages).toHaveLength(10);
    const train = (await studio.call('datasets.rows', { id: d.id, split: 'train', limit: 500 })).rows;
    expect(new Set([...train, ...pages].map((r) => r.text)).size).toBe(30); // splits do not overlap
    const wrong = await refusal(studio.call('datasets.setMapping', { id: d.id, mapping: { text: 'sentence' } }));
    expect(wrong.message).toMatch(/does not have/);
    expect((await studio.call('datasets.setMapping', { id: d.id, mapping: { input: 'text' } })).mapping).toEqual({ input: 'text' });
    expect(await studio.call('datasets.delete', { id: d.id })).toEqual({ deleted: true, kept: { runs: 0 } });
    expect(fs.existsSync(path.join(studio.options.dataDir, 'datasets', d.id))).toBe(false);
  });

  it('lists runs and their metrics', async () => {
    const studio = openStudio();
    const run = studio.store.runs.create({ kind: 'evaluation', name: 'eval' });
    studio.store.runs.addMetric({ runId: run.id, step: 0, name: 'rougeL', value: 0.31 });
    expect((await studio.call('runs.list', { kind: 'evaluation' })).map((r) => r.id)).toEqual([run.id]);
    expect((await studio.call('runs.metrics', { id: run.id })).map((m) => m.value)).toEqual([0.31]);
    expect((await refusal(studio.call('runs.get', { id: 'run_x' }))).code).toBe('not_found');
  });

  it('summarises the runs runs.list returns, filter for filter, without their configs', async () => {
    const studio = openStudio();
    const project = studio.store.projects.create({ name: 'p', task: 'summarization' });
    const runs = [
      studio.store.runs.create({ kind: 'evaluation', name: 'eval', projectId: project.id, config: { template: { instruction: 'x'.repeat(500) } } }),
      studio.store.runs.create({ kind: 'finetune', name: 'ft', projectId: project.id, config: { lr: 1e-3 } }),
      studio.store.runs.create({ kind: 'evaluation', name: 'loose', config: { split: 'test' } }),
    ];
    studio.store.runs.setStatus(runs[1].id, 'running');
    studio.store.runs.setStatus(runs[1].id, 'succeeded');
    studio.store.runs.annotate(runs[2].id, { tags: ['best'], note: 'keep' });
    for (const filter of [{}, { projectId: project.id }, { projectId: null }, { kind: 'evaluation' }, { tag: 'best' }]) {
      const full = await studio.call('runs.list', filter);
      const summaries = await studio.call('runs.summaries', filter);
      expect(full.length).toBeGreaterThan(0);
      expect(summaries).toEqual(full.map(({ config: _config, ...rest }) => rest));
      expect(summaries.every((s) => !('config' in s))).toBe(true);
    }
  });
});
