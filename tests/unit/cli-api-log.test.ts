// lathe api-log's table says why a request failed: the refusal's message was in --json only, so a 400 read 'error'.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_REQUESTS } from '../../native/cli/serve-api.ts';
import { openStore } from '../../native/store/db.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-api-log-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('lathe api-log', () => {
  // it printed its lower-case header over '(none)'; the other lists say what to do next, as this does now
  it('says how to get a request logged before there is one', async () => {
    const { code, stdout } = await latheInProcess(['api-log'], dataDir);
    expect(code).toBe(0);
    expect(stdout).toBe(NO_REQUESTS);
    expect(stdout).toMatch(/^no requests yet: start the server with 'lathe serve-api --model M'/);
  });

  it('shows each refused request\'s message beside its status', async () => {
    const store = openStore(dataDir);
    try {
      store.apiRequests.record({ endpoint: 'POST /v1/chat/completions', model: 's260k', status: 200, outcome: 'stop', promptTokens: 17, completionTokens: 5, latencyMs: 12, tokensPerSecond: 400 });
      store.apiRequests.record({ endpoint: 'POST /v1/completions', model: 's260k', status: 400, outcome: 'error', latencyMs: 2, error: "Invalid value for 'temperature': must be 2 or less; got 3" });
    } finally {
      store.close();
    }
    const { code, stdout } = await latheInProcess(['api-log'], dataDir);
    expect(code).toBe(0);
    const [header, refused, answered] = stdout.split('\n');
    // upper-case headers and times to the second, as runs list and runs metrics write them
    expect(header).toMatch(/^TIME\s+ENDPOINT\s.*TOKENS\/S\s+ERROR$/);
    expect(refused).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}POST/);
    expect(refused).toMatch(/POST \/v1\/completions\s+s260k\s+400\s+error\s.*Invalid value for 'temperature': must be 2 or less; got 3$/);
    expect(answered).toMatch(/POST \/v1\/chat\/completions\s+s260k\s+200\s+stop\s+17\s+5\s+12\s+400\.0$/);
  });
});
