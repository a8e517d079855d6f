// `lathe runs tag|note|delete` and `runs list --tag` as a user runs them: a run recorded in the data directory
// (straight through the store, as a finished training run would leave it), then one CLI command after another (in process).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-run-notes');
let runId = '';
let otherId = '';
beforeAll(() => {
  const store = openStore(dataDir);
  runId = store.runs.create({ kind: 'finetune', name: 'lora r8', status: 'succeeded' }).id;
  otherId = store.runs.create({ kind: 'finetune', name: 'lora r16', status: 'succeeded' }).id;
  store.close();
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('lathe runs tag / note / delete', () => {
  it('adds and removes tags, and lists the runs that carry one', async () => {
    const tagged = await inProcessLathe(dataDir, ['runs', 'tag', runId, 'baseline', 'keep', '--json']);
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.json<Run>().tags).toEqual(['baseline', 'keep']);
    expect((await inProcessLathe(dataDir, ['runs', 'tag', runId, 'keep', 'sweep', '--json'])).json<Run>().tags).toEqual(['baseline', 'keep', 'sweep']);
    expect((await inProcessLathe(dataDir, ['runs', 'tag', runId, 'keep', '--remove', '--json'])).json<Run>().tags).toEqual(['baseline', 'sweep']);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--tag', 'baseline', '--json'])).json<Run[]>().map((r) => r.id)).toEqual([runId]);
    const human = await inProcessLathe(dataDir, ['runs', 'list']);
    expect(human.stdout).toMatch(/TAGS/);
    expect(human.stdout).toContain('baseline,sweep');
  });

  it('writes and clears a note that runs show prints', async () => {
    expect((await inProcessLathe(dataDir, ['runs', 'note', runId, 'val loss lowest at step 300', '--json'])).json<Run>().note).toBe('val loss lowest at step 300');
    expect((await inProcessLathe(dataDir, ['runs', 'show', runId])).stdout).toMatch(/note:\s+val loss lowest at step 300/);
    expect((await inProcessLathe(dataDir, ['runs', 'note', runId, '', '--json'])).json<Run>().note).toBe('');
  });

  it('names the argument that is wrong', async () => {
    const spaced = await inProcessLathe(dataDir, ['runs', 'tag', runId, 'two words']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toMatch(/TAG 'two words': a tag is one word/);
    expect(spaced.stderr).toMatch(/Usage: lathe runs tag RUN TAG/);
    expect((await inProcessLathe(dataDir, ['runs', 'tag', runId])).stderr).toMatch(/give a run id and at least one tag/);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--tag', 'a,b'])).stderr).toMatch(/--tag: a tag is one word/);
    expect((await inProcessLathe(dataDir, ['runs', 'note', runId])).stderr).toMatch(/Usage: lathe runs note RUN TEXT/);
    const missing = await inProcessLathe(dataDir, ['runs', 'note', 'run_nope', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/run run_nope does not exist/);
    expect((await inProcessLathe(dataDir, ['runs', 'compare', runId, '--examples', '-1'])).stderr).toContain("--examples must be a whole number of 0 or more; got '-1'");
  });

  it('runs metrics --name refuses a metric the run does not have, naming those it has', async () => {
    const store = openStore(dataDir);
    store.runs.addMetric({ runId: otherId, step: 1, name: 'loss', value: 2.5 });
    store.close();
    expect((await inProcessLathe(dataDir, ['runs', 'metrics', otherId, '--name', 'loss', '--json'])).json<unknown[]>()).toHaveLength(1);
    const typo = await inProcessLathe(dataDir, ['runs', 'metrics', otherId, '--name', 'los']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`run ${otherId} has no metric 'los'; its metrics are loss.`);
  });

  it('deletes a run', async () => {
    const deleted = await inProcessLathe(dataDir, ['runs', 'delete', otherId]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`Deleted run ${otherId}.`);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>().map((r) => r.id)).toEqual([runId]);
  });
});
