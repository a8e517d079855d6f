// A `lathe train` in the foreground (no job owns its run) killed with SIGKILL: the next Lathe process to open the
// store marks its run 'interrupted' (it used to show 'running' for ever), and `lathe train --resume` finishes it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { killLatheWhen } from './helpers/kill.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`train-cli-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

let dataDir = '';

beforeAll(async () => {
  if (!HAS_MODEL) return;
  dataDir = tempDir('train-cli-kill');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  const file = path.join(dataDir, 'stories.jsonl');
  writeStoryPairs(file, 80);
  expect((await inProcessLathe(dataDir, ['dataset', 'import', file, '--name', 'stories'])).code).toBe(0);
}, 60_000);

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const runs = async () => (await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>();

describe.skipIf(!HAS_MODEL)('a SIGKILLed foreground training run', () => {
  it('is interrupted, not running, once another lathe opens the store, and resumes to the end', async () => {
    const args = ['train', '--model', 's260k', '--dataset', 'stories', '--max-steps', '300', '--save-every', '5', '--eval-every', '0', '--batch-size', '2', '--seq-len', '64', '--threads', '1', '--no-merge'];
    // once the run has written its first checkpoint, the process is killed without warning (its trainer child with it)
    const runId = await killLatheWhen(dataDir, args, (id) => fs.existsSync(path.join(dataDir, 'runs', id, 'checkpoints', 'step-5', 'trainer_state.json')));

    const killed = (await runs()).find((r) => r.id === runId);
    expect(killed).toMatchObject({ status: 'interrupted' });
    expect(killed?.finishedAt).not.toBeNull();

    const resumed = await inProcessLathe(dataDir, ['train', '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ runId, status: 'completed', steps: 300 });
    expect((await runs()).find((r) => r.id === runId)?.status).toBe('succeeded');
  }, 180_000);
});
