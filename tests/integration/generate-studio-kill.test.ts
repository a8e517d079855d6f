// `lathe serve` SIGKILLed while the playground generates: the generation's run is no job's and had no owner, so it
// read 'running' for ever (and could not be deleted: 'the playground is still generating it'). The studio now
// records itself as the run's owner, and the next Lathe process to open the store ends it 'interrupted'.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, startServe, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`generate-studio-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

let dataDir = '';
beforeAll(async () => {
  if (!HAS_MODEL) return;
  dataDir = tempDir('generate-studio-kill');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
}, 60_000);
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!HAS_MODEL)('a studio killed mid-generation', () => {
  it('leaves the generation run interrupted, not running for ever, and deletable', async () => {
    const server = await startServe(dataDir);
    const call = async (method: string, params: unknown) => {
      const res = await fetch(`${server.base}/api/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: JSON.stringify(params) });
      return ((await res.json()) as { result: unknown }).result;
    };
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    try {
      // 4096 sampled tokens take stories260K seconds; the run is 'running' from the moment start returns
      await call('generate.start', { modelId: 's260k', prompt: 'Once upon a time', settings: { doSample: true, maxNewTokens: 4096 } });
    } finally {
      server.child.kill('SIGKILL');
    }
    await exited;

    const runs = (await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>();
    expect(runs.map((r) => [r.kind, r.status])).toEqual([['generation', 'interrupted']]);
    const deleted = await inProcessLathe(dataDir, ['runs', 'delete', runs[0].id]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await inProcessLathe(dataDir, ['runs', 'list', '--json'])).json<Run[]>()).toEqual([]);
  }, 60_000);
});
