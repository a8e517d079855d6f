// `lathe train --project P`: a fine-tune counts for a project, as `lathe eval --project` and the Fine-tune page
// already could, so `lathe runs list --project P` shows the run that made the model next to its evaluations.
// The tiny random-weight Llama of the judge tests keeps it fast and free of the shared data.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, Run } from '../../native/api/schemas.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('train-cli-project');
const REVIEWS = Array.from({ length: 24 }, (_, i) => ({ sentence: `a ${i % 2 ? 'good' : 'bad'} film`, label: i % 2 }));

beforeAll(async () => {
  await writeJudgeFixture(path.join(dataDir, 'tiny-src'), 3);
  await importModelFolder(dataDir, path.join(dataDir, 'tiny-src'), 'tiny');
  const file = path.join(dataDir, 'reviews.jsonl');
  fs.writeFileSync(file, REVIEWS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  expect((await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'reviews'])).code).toBe(0);
}, 60_000);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const SHORT_RUN = ['train', '--model', 'tiny', '--dataset', 'reviews', '--max-steps', '1', '--eval-every', '0', '--save-every', '0', '--seq-len', '64', '--threads', '1', '--no-merge', '--json'];

describe('lathe train --project', () => {
  it('puts the run in the project named, and refuses a project that does not exist before starting a run', async () => {
    const project = (await inProcessLathe(dataDir, ['project', 'create', '--name', 'sentiment', '--task', 'classification', '--json'])).json<Project>();
    const trained = await inProcessLathe(dataDir, [...SHORT_RUN, '--project', 'sentiment']);
    expect(trained.code, trained.stderr).toBe(0);
    const { runId } = trained.json<{ runId: string }>();
    const listed = (await inProcessLathe(dataDir, ['runs', 'list', '--project', 'sentiment', '--json'])).json<(Run & { projectName: string | null })[]>();
    expect(listed.map((r) => [r.id, r.projectId, r.projectName])).toEqual([[runId, project.id, 'sentiment']]); // the id kept, the name added
    // the table names the project as people know it, not by its id
    const table = (await inProcessLathe(dataDir, ['runs', 'list'])).stdout.split('\n');
    expect(table.find((l) => l.startsWith(runId))).toMatch(/ sentiment /);
    expect(table.join('\n')).not.toContain(project.id);
    expect((await inProcessLathe(dataDir, ['runs', 'show', runId, '--json'])).json<Run>().projectId).toBe(project.id);

    const unknown = await inProcessLathe(dataDir, [...SHORT_RUN, '--project', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.json<{ error: string }>().error).toMatch(/project nope does not exist/);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>()).toHaveLength(1);
  }, 180_000);
});
