// A project's metric must measure its task (schemas.ts TASK_METRICS): `lathe project create --task classification
// --metric rougeL` was accepted, and so was the same through the API and an update that changed only the task.
// The CLI, the studio API (store) and the Scope form's schema now refuse it with the metrics that fit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { METRICS, ProjectInput, ProjectPatch, TASK_METRICS, TASK_TYPES, metricsForTask } from '../../native/api/schemas.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-task-metric-');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-task-metric-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('TASK_METRICS', () => {
  it('names only project metrics, each once per task, with a suggestion for every task', () => {
    for (const task of TASK_TYPES) {
      const fit = metricsForTask(task);
      expect(TASK_METRICS[task].suggested.length).toBeGreaterThan(0);
      expect(new Set(fit).size).toBe(fit.length);
      for (const m of fit) expect(METRICS).toContain(m);
    }
    expect(metricsForTask('classification')).toEqual(['accuracy', 'macro_f1', 'exact_match']);
  });
});

describe('ProjectInput and ProjectPatch', () => {
  it('refuse a metric that does not measure the task, on the metric field, listing those that do', () => {
    const bad = ProjectInput.safeParse({ name: 'x', task: 'classification', metric: 'rougeL' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['metric']);
    expect(bad.error!.issues[0].message).toBe('rougeL does not measure a classification project; use one of accuracy, macro_f1, exact_match.');
    expect(ProjectInput.safeParse({ name: 'x', task: 'summarization', metric: 'accuracy' }).success).toBe(false);
    expect(ProjectInput.safeParse({ name: 'x', task: 'classification', metric: 'macro_f1' }).success).toBe(true);
    expect(ProjectInput.safeParse({ name: 'x', task: 'classification' }).success).toBe(true);
    expect(ProjectPatch.safeParse({ task: 'ner', metric: 'bleu' }).success).toBe(false);
    expect(ProjectPatch.safeParse({ metric: 'bleu' }).success).toBe(true); // checked against the stored task on merge
  });
});

describe('the store', () => {
  it('refuses create and an update whose task or metric no longer fits, naming the half that was sent', () => {
    const store = open(tempDir());
    expect(() => store.projects.create({ name: 'c', task: 'classification', metric: 'rougeL' })).toThrow(/rougeL does not measure a classification project/);
    const p = store.projects.create({ name: 's', task: 'summarization', metric: 'rougeL' });
    const metricOnly = catchError(() => store.projects.update(p.id, { metric: 'accuracy' }));
    expect(metricOnly.details).toMatchObject({ field: 'metric', issues: [{ path: 'metric' }] });
    expect(metricOnly.message).toBe('accuracy does not measure a summarization project; use one of rougeL, rouge1, rouge2, rougeLsum, bleu, chrf.');
    const taskOnly = catchError(() => store.projects.update(p.id, { task: 'classification' }));
    expect(taskOnly.details).toMatchObject({ field: 'task' });
    expect(taskOnly.message).toMatch(/metric rougeL does not measure a classification project; change the metric along with the task, to one of accuracy, macro_f1, exact_match/);
    expect(store.projects.get(p.id)).toMatchObject({ task: 'summarization', metric: 'rougeL' });
    expect(store.projects.update(p.id, { task: 'classification', metric: 'accuracy' })).toMatchObject({ task: 'classification', metric: 'accuracy' });
  });

  it('still loads and renames a project stored before the rule', () => {
    const store = open(tempDir());
    const p = store.projects.create({ name: 'old', task: 'summarization', metric: 'rougeL' });
    store.db.prepare("UPDATE projects SET task = 'classification' WHERE id = ?").run(p.id);
    expect(store.projects.get(p.id)).toMatchObject({ task: 'classification', metric: 'rougeL' });
    expect(store.projects.update(p.id, { name: 'renamed' })).toMatchObject({ name: 'renamed', metric: 'rougeL' });
  });
});

describe('lathe project create / update', () => {
  it('refuses --metric that does not fit --task, naming the flag and the metrics that do', async () => {
    const created = await lathe(['project', 'create', '--name', 'cls', '--task', 'classification', '--metric', 'rougeL']);
    expect(created.code).toBe(2);
    expect(created.stderr).toContain('--metric: rougeL does not measure a classification project; use one of accuracy, macro_f1, exact_match.');
    expect((await lathe(['project', 'create', '--name', 'sum', '--task', 'summarization', '--metric', 'rougeL'])).code).toBe(0);
    const task = await lathe(['project', 'update', 'sum', '--task', 'classification']);
    expect(task.code).toBe(2);
    expect(task.stderr).toContain('--task: the project\'s metric rougeL does not measure a classification project');
    const metric = await lathe(['project', 'update', 'sum', '--metric', 'accuracy']);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toContain('--metric: accuracy does not measure a summarization project; use one of rougeL');
    expect((await lathe(['project', 'update', 'sum', '--task', 'classification', '--metric', 'accuracy'])).code).toBe(0);
  });
});

function catchError(fn: () => unknown): StudioError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StudioError) return err;
    throw err;
  }
  throw new Error('expected a StudioError');
}

const lathe = (args: string[]) => latheInProcess(args, dataDir);
