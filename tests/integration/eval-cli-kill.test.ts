// A `lathe eval` in the foreground killed with SIGKILL: the next Lathe process to open the store ends its run
// 'interrupted'. The CLI used to start evaluation runs with no owner, so a killed one stayed 'running' for ever.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../native/api/schemas.ts';
import { importDataset } from '../../native/data/import.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { openStore } from '../../native/store/db.ts';
import { HAS_SHARED_DATA, LATHE_BIN, ROOT, SHARED_DATA, SKIP_SHARED_REASON, lathe, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const DIALOGSUM = path.join(SHARED_DATA, 'datasets/dialogsum/test.jsonl');
const HAS_DATA = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin')) && fs.existsSync(DIALOGSUM);
if (!HAS_DATA) console.warn(`eval-cli-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K and datasets/dialogsum)`);

let dataDir = '';

beforeAll(async () => {
  if (!HAS_DATA) return;
  dataDir = tempDir('eval-cli-kill');
  await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
  const store = openStore(dataDir);
  try {
    await importDataset({ path: DIALOGSUM, name: 'dsum' }, { store, dataDir });
  } finally {
    store.close();
  }
}, 60_000);

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function runNamed(name: string): Run | undefined {
  const store = openStore(dataDir);
  try {
    return store.runs.list({ kind: 'evaluation' }).find((r) => r.name === name);
  } finally {
    store.close();
  }
}

describe.skipIf(!HAS_DATA)('a SIGKILLed foreground evaluation', () => {
  it('is interrupted, not running, once another lathe opens the store', async () => {
    const args = ['eval', '--model', 's260k', '--dataset', 'dsum', '--limit', '200', '--metrics', 'rouge', '--max-new-tokens', '16', '--threads', '1', '--name', 'killed'];
    const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 60_000;
    while (runNamed('killed')?.status !== 'running') {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the evaluation never showed as running:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const runs = lathe(dataDir, ['runs', 'list', '--json']).json<Run[]>();
    const killed = runs.find((r) => r.name === 'killed');
    expect(killed).toMatchObject({ status: 'interrupted' });
    expect(killed?.finishedAt).not.toBeNull();
  }, 120_000);
});
