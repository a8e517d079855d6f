// A run started from the CLI without --project is recorded in the project of the dataset it reads, and says so:
// before, `lathe eval --dataset D` on a dataset imported into a project recorded a run in no project, and the
// project's Runs page said "No experiments". --project still chooses; datasets in two projects choose none, with
// a warning. One rule (native/cli/project-ref.ts) for eval, train, align dpo|reward|ppo and docs eval. The note
// comes once the run exists: a command whose model is refused says nothing of a run's project (before, it said
// "the run is recorded in project …" and then that no run could start). A tiny random Llama (the judge fixture)
// generates and trains.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { Studio } from '../../native/studio/studio.ts';
import { writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const ROWS = [
  { sentence: 'a gorgeous film', label: 'positive' },
  { sentence: 'dull and slow', label: 'negative' },
  { sentence: 'a pure joy', label: 'positive' },
  { sentence: 'painfully boring', label: 'negative' },
];

let dataDir = '';
const projects = { reviews: '', other: '' };

beforeAll(async () => {
  dataDir = tempDir('cli-run-project');
  const src = tempDir('cli-run-project-src');
  await writeJudgeFixture(path.join(src, 'writer'), 3);
  await importModelFolder(dataDir, path.join(src, 'writer'), 'writer');
  const studio = new Studio({ dataDir, mode: 'serve' });
  const ctx = { store: studio.store, dataDir };
  projects.reviews = studio.store.projects.create({ name: 'Reviews', task: 'classification' }).id;
  projects.other = studio.store.projects.create({ name: 'Other', task: 'classification' }).id;
  const file = path.join(src, 'rows.jsonl');
  fs.writeFileSync(file, ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const mapping = { input: 'sentence', target: 'label' };
  await importDataset({ path: file, name: 'in-reviews', projectId: projects.reviews, split: { train: 0.5, validation: 0.25, test: 0.25 }, mapping }, ctx);
  await importDataset({ path: file, name: 'in-other', projectId: projects.other, split: { train: 0.5, validation: 0.25, test: 0.25 }, mapping }, ctx);
  await importDataset({ path: file, name: 'loose', split: { train: 0.5, validation: 0.25, test: 0.25 }, mapping }, ctx);
  await studio.close();
  fs.rmSync(src, { recursive: true, force: true });
}, 60_000);

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const EVAL = ['eval', '--model', 'writer', '--metrics', 'accuracy', '--max-new-tokens', '2', '--threads', '1', '--split', 'all'];

/** The project the run `runId` was recorded in. */
function projectOf(runId: string): string | null {
  const store = openStore(dataDir);
  try {
    return store.runs.get(runId)!.projectId;
  } finally {
    store.close();
  }
}

describe('the project a CLI run is recorded in', () => {
  it("lathe eval without --project: the dataset's project, said on stderr", async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--dataset', 'in-reviews']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`the run is recorded in project 'Reviews' (${projects.reviews}), the project of dataset in-reviews; give --project to choose another`);
    const runId = /run_[0-9a-f]{12}/.exec(r.stdout)![0];
    expect(projectOf(runId)).toBe(projects.reviews);
  });

  it('--project still chooses; a dataset in no project records the run in none; --json keeps stdout the answer', async () => {
    const chosen = await inProcessLathe(dataDir, [...EVAL, '--dataset', 'in-reviews', '--project', 'Other', '--json']);
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stderr).not.toContain('recorded in project');
    expect(projectOf(chosen.json<{ runId: string }>().runId)).toBe(projects.other);
    const loose = await inProcessLathe(dataDir, [...EVAL, '--dataset', 'loose', '--json']);
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).not.toContain('project');
    expect(projectOf(loose.json<{ runId: string }>().runId)).toBeNull();
  });

  it('datasets of two projects are ambiguous: no project, and a warning that says to give --project', async () => {
    const r = await inProcessLathe(dataDir, [...EVAL, '--dataset', 'in-reviews', '--template', 'one-shot', '--shots-from', 'in-other', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning: the run is recorded in no project: dataset in-reviews is in project 'Reviews', dataset in-other is in project 'Other'; give --project to choose one");
    expect(projectOf(r.json<{ runId: string }>().runId)).toBeNull();
  });

  it('lathe train records its run in the dataset’s project too, said after the run’s id; --json leaves the note out', async () => {
    const TRAIN = ['train', '--model', 'writer', '--dataset', 'in-other', '--max-steps', '1', '--batch-size', '1', '--seq-len', '16', '--threads', '1', '--no-merge'];
    const r = await inProcessLathe(dataDir, TRAIN);
    expect(r.code, r.stderr).toBe(0);
    const runId = /^run (run_[0-9a-f]{12})$/m.exec(r.stderr)![1];
    expect(r.stderr).toContain(`run ${runId}\nthe run is recorded in project 'Other' (${projects.other}), the project of dataset in-other; give --project to choose another`);
    expect(projectOf(runId)).toBe(projects.other);
    const json = await inProcessLathe(dataDir, [...TRAIN, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).not.toContain('recorded in project'); // --json: the note is an info line, left out
    expect(projectOf(json.json<{ runId: string }>().runId)).toBe(projects.other);
  });

  it('lathe eval, align dpo, reward and ppo and docs eval whose model or collection is refused start no run, so say nothing of its project', async () => {
    for (const args of [['eval', '--metrics', 'accuracy'], ['align', 'dpo'], ['align', 'reward'], ['align', 'ppo', '--reward-run', 'run_000000000000']]) {
      const r = await inProcessLathe(dataDir, [...args, '--model', 'nope', '--dataset', 'in-reviews']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain("no model named 'nope'");
      expect(r.stderr, args.join(' ')).not.toContain('recorded in');
    }
    const docs = await inProcessLathe(dataDir, ['docs', 'eval', 'nope', '--dataset', 'in-other', '--query-column', 'sentence', '--relevant-column', 'label']);
    expect(docs.code).toBe(2);
    expect(docs.stderr).toContain("'nope'");
    expect(docs.stderr).not.toContain('recorded in');
  });
});
