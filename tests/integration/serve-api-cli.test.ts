// `lathe serve-api` as a user runs it: it prints the URL and a generated key, answers the official client with
// that key (and `lathe api-log` shows the request), and refuses a non-loopback host without --api-key and an unknown --model, naming the flag.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { LATHE_BIN, ROOT, tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`serve-api-cli: the serving case is skipped: ${SKIP_STORIES_REASON}`);

let dataDir = '';

beforeAll(async () => {
  dataDir = tempDir('serve-api-cli');
  if (HAS_STORIES) await importStories(dataDir, 's260k');
});

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('lathe serve-api', () => {
  it('refuses a non-loopback host without --api-key, and an unknown --model', async () => {
    const open = await inProcessLathe(dataDir, ['serve-api', '--model', 's260k', '--host', '0.0.0.0', '--port', '0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--host 0\.0\.0\.0 .*--api-key/);
    const unknown = await inProcessLathe(dataDir, ['serve-api', '--model', 'nope', '--port', '0']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--model: the model 'nope' does not exist");
    // the server never started: the hint is the command that lists the models, not its GET /v1/models
    expect(unknown.stderr).toContain('; `lathe model list` lists them.');
    expect(unknown.stderr).not.toContain('GET /v1/models');
    expect((await inProcessLathe(dataDir, ['serve-api', '--model', 's260k', '--slots', '0'])).stderr).toContain('--slots must be a whole number of 1 or more');
  });

  it.skipIf(!HAS_STORIES)('prints its URL and a generated key, and serves the official client with it', async () => {
    const child = spawn(process.execPath, [LATHE_BIN, 'serve-api', '--model', 's260k', '--port', '0', '--threads', '1'], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let err = '';
      const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`serve-api did not start:\n${out}\n${err}`)), 60_000);
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d) => {
          out += d;
          const m = /OpenAI-compatible API: (\S+)\nAPI key: (\S+)\n/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve({ url: m[1], key: m[2] });
          }
        });
        child.on('exit', (code) => reject(new Error(`serve-api exited with ${code}:\n${out}\n${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(key.length).toBeGreaterThanOrEqual(32);
      const client = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 });
      const r = await client.chat.completions.create({ model: 's260k', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3, temperature: 0 });
      expect(r.choices[0].message.content!.length).toBeGreaterThan(0);
      // and the curl command it prints runs as pasted
      await expect.poll(() => err).toMatch(/try it:\n/);
      const curl = /try it:\n(curl [^]*?[^\\])\n/.exec(`${err}\n`)?.[1];
      expect(curl).toContain(`-H 'Authorization: Bearer ${key}'`);
      const pasted = spawnSync('bash', ['-c', `${curl} --silent --show-error --fail-with-body`], { encoding: 'utf8' });
      expect(pasted.status, pasted.stderr).toBe(0);
      expect(JSON.parse(pasted.stdout)).toMatchObject({ object: 'chat.completion', model: 's260k' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const log = (await inProcessLathe(dataDir, ['api-log', '--limit', '5', '--json'])).json<{ endpoint: string; model: string; status: number; completionTokens: number }[]>();
    expect(log[0]).toMatchObject({ endpoint: 'POST /v1/chat/completions', model: 's260k', status: 200 });
    expect(log[0].completionTokens).toBeGreaterThan(0);
    expect((await inProcessLathe(dataDir, ['api-log'])).stdout).toMatch(/POST \/v1\/chat\/completions\s+s260k\s+200/);
  });
});
