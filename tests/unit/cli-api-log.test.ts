// lathe api-log's table says why a request failed: the refusal's message was in --json only, so a 400 read 'error'.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../native/store/db.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-api-log-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('lathe api-log', () => {
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
    expect(header).toMatch(/tokens\/s\s+error$/);
    expect(refused).toMatch(/POST \/v1\/completions\s+s260k\s+400\s+error\s.*Invalid value for 'temperature': must be 2 or less; got 3$/);
    expect(answered).toMatch(/POST \/v1\/chat\/completions\s+s260k\s+200\s+stop\s+17\s+5\s+12\s+400\.0$/);
  });
});
