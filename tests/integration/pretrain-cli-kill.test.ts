// `lathe pretrain` killed with SIGKILL once its first checkpoint is on disk (not the simulated crash of
// train-pretrain-resume.test.ts): the next Lathe command to open the store reads the run 'interrupted', the store is
// sound with the steps recorded so far, and `lathe pretrain --resume` continues it to the uninterrupted run's numbers
// (CPU, one thread: within 1e-6), each step's loss recorded once, one model registered.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model, Run, RunMetric } from '../../native/api/schemas.ts';
import { openStore } from '../../native/store/db.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { runDir } from '../../native/train/run-env.ts';
import { storyPairs } from '../fixtures/train-story-pairs.ts';
import { killLatheWhen } from './helpers/kill.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const STEPS = 60; // the kill lands some steps after the step-10 checkpoint (a few on an idle machine), well before the end
let dataDir = '';
let corpus = '';
const args = () => ['pretrain', '--corpus', corpus, '--layers', '2', '--heads', '2', '--d-model', '32', '--context', '32', '--vocab', '300',
  '--steps', String(STEPS), '--batch-size', '4', '--eval-every', '10', '--eval-batches', '2', '--save-every', '10', '--seed', '5', '--threads', '1'];

beforeAll(() => {
  dataDir = tempDir('pretrain-cli-kill');
  corpus = path.join(dataDir, 'stories.txt');
  fs.writeFileSync(corpus, storyPairs(240).map((r) => `${r.input} ${r.output}`).join('\n'));
});
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function series(runId: string, name: string): [number, number][] {
  const store = openStore(dataDir);
  try {
    return store.runs.metrics(runId, name).map((m: RunMetric) => [m.step, m.value]);
  } finally {
    store.close();
  }
}

function expectSameSeries(got: [number, number][], expected: [number, number][], what: string): void {
  expect(got.map(([s]) => s), what).toEqual(expected.map(([s]) => s));
  got.forEach(([step, value], i) => expect(Math.abs(value - expected[i][1]), `${what} at step ${step}`).toBeLessThanOrEqual(1e-6));
}

describe('a SIGKILLed lathe pretrain', () => {
  it('reads interrupted, and --resume continues its losses exactly, each step once', async () => {
    const reference = await inProcessLathe(dataDir, [...args(), '--output-name', 'reference', '--json']);
    expect(reference.code, reference.stderr).toBe(0);
    const referenceRun = reference.json<{ runId: string }>().runId;

    const runId = await killLatheWhen(dataDir, [...args(), '--output-name', 'resumed'], (id) => listCheckpoints(runDir(dataDir, id)).length > 0);
    const db = new Database(path.join(dataDir, 'lathe.db'), { readonly: true }); // before any Lathe code opens it
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const killed = (await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>().find((r) => r.id === runId);
    expect(killed).toMatchObject({ status: 'interrupted' });
    const recorded = series(runId, 'loss');
    expect(recorded.length).toBeGreaterThanOrEqual(10);
    expect(recorded.length).toBeLessThan(STEPS);
    expectSameSeries(recorded, series(referenceRun, 'loss').slice(0, recorded.length), 'loss before the kill');

    const resumed = await inProcessLathe(dataDir, ['pretrain', '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed' });
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>().find((r) => r.id === runId)?.status).toBe('succeeded');
    expectSameSeries(series(runId, 'loss'), series(referenceRun, 'loss'), 'loss');
    expectSameSeries(series(runId, 'val_loss'), series(referenceRun, 'val_loss'), 'val_loss');
    expect((await inProcessLathe(dataDir, ['model', 'list', '--json'])).json<Model[]>().map((m) => m.name).sort()).toEqual(['reference', 'resumed']);
  }, 120_000);
});
