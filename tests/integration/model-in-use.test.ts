// A model used by a foreground `lathe` process, and a model being built: `lathe serve-api` marks its model in use for
// as long as it serves (a delete from another process is refused, naming it), and every other model a request has it
// load from then on (not one a client only lists or describes) while it stays loaded, and removes the marker when it
// stops;
// a studio opening while a quantise or merge is still writing its model never removes that model's folder, neither
// while it is built under models/.import-… nor between its rename to models/<id>/ and its row (the marker alone keeps
// it then: the row is not yet visible to the studio's connection).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { buildAndRegister } from '../../native/models/import.ts';
import { sweepOrphanModelFolders } from '../../native/models/orphan-folders.ts';
import { openStore } from '../../native/store/db.ts';
import { inUseDir, liveUses } from '../../native/store/in-use.ts';
import { Studio } from '../../native/studio/studio.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { LATHE_BIN, ROOT, tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`model-in-use: skipped: ${SKIP_STORIES_REASON}`);

let dataDir = '';
let stories: Model;

beforeAll(async () => {
  dataDir = tempDir('model-in-use');
  if (HAS_STORIES) stories = await importStories(dataDir, 's260k');
});

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!HAS_STORIES)('a model in use', () => {
  it('lathe serve-api marks its model while it serves, and a model a request loads until it unloads it: a delete is refused, naming it; after SIGTERM the marker is gone', async () => {
    const other = await importStories(dataDir, 's260k-other');
    let out = '';
    const child = spawn(process.execPath, [LATHE_BIN, 'serve-api', '--model', 's260k', '--port', '0', '--threads', '1', '--max-models', '1'], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve-api did not start:\n${out}`)), 60_000);
        child.stdout.on('data', (d) => {
          out += d;
          if (/API key: \S+\n/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr.on('data', (d) => (out += d));
      });
      // its flag's value, and the model it found for it (by id) as it loaded it at start
      expect(liveUses(dataDir).map((u) => [u.by, u.owner.pid, u.models])).toEqual([["'lathe serve-api'", child.pid, ['s260k', stories.id]]]);
      const refused = await inProcessLathe(dataDir, ['model', 'delete', 's260k']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`cannot be deleted now: 'lathe serve-api' (process ${child.pid}, since `);
      expect(refused.stderr).toContain(`stop that command (Ctrl-C in its terminal, or kill ${child.pid}) or let it finish, then delete the model`);
      expect(fs.existsSync(stories.path)).toBe(true);

      const url = /OpenAI-compatible API: (\S+)\n/.exec(out)![1];
      const headers = { authorization: `Bearer ${/API key: (\S+)\n/.exec(out)![1]}`, 'content-type': 'application/json' };
      // listed and described: not loaded, not marked
      expect((await fetch(`${url}/models`, { headers })).status).toBe(200);
      expect((await fetch(`${url}/models/s260k-other`, { headers })).status).toBe(200);
      expect(liveUses(dataDir).flatMap((u) => u.models)).toEqual(['s260k', stories.id]);
      const answered = await fetch(`${url}/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 's260k-other', prompt: 'Once', max_tokens: 2, temperature: 0 }) });
      expect(answered.status).toBe(200);
      // with room for one model, s260k was unloaded for it: its id goes, its flag's name (the served default) stays
      expect(liveUses(dataDir).flatMap((u) => u.models)).toEqual(['s260k', other.id]);
      const busy = await inProcessLathe(dataDir, ['model', 'delete', 's260k-other']);
      expect([busy.code, busy.stderr]).toEqual([2, expect.stringContaining(`cannot be deleted now: 'lathe serve-api' (process ${child.pid}, since `)]);
      expect((await inProcessLathe(dataDir, ['model', 'delete', 's260k'])).code).toBe(2);

      const back = await fetch(`${url}/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 's260k', prompt: 'Once', max_tokens: 2, temperature: 0 }) });
      expect(back.status).toBe(200);
      // s260k-other unloaded for it: no longer in use, so it can be deleted while the server runs
      expect(liveUses(dataDir).flatMap((u) => u.models)).toEqual(['s260k', stories.id]);
      const deleted = await inProcessLathe(dataDir, ['model', 'delete', 's260k-other']);
      expect([deleted.code, deleted.stderr]).toEqual([0, '']);
      expect(fs.existsSync(other.path)).toBe(false);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(fs.existsSync(inUseDir(dataDir))).toBe(false); // removed by the command itself, not by a reader
  }, 120_000);

  it('a studio opening while a model is written never removes it: not while it is built, nor between its rename and its row', async () => {
    const orphan = path.join(dataDir, 'models', 'mdl_00000000dead');
    fs.mkdirSync(orphan);
    fs.writeFileSync(path.join(orphan, 'config.json'), '{}'); // the control: a folder with no row and no marker goes
    let release!: () => void;
    const writing = new Promise<void>((r) => (release = r));
    let filling!: () => void;
    const started = new Promise<void>((r) => (filling = r));
    const seenBetween: { folderThere: boolean; rowSeenElsewhere: boolean; removed: string[] }[] = [];
    const other = openStore(dataDir); // another process's connection, opened before the row's transaction holds the lock
    const build = buildAndRegister(dataDir, 's260k-copy', 'test', async (tmp) => {
      for (const f of fs.readdirSync(stories.path)) fs.copyFileSync(path.join(stories.path, f), path.join(tmp, f));
      filling();
      await writing; // a long quantise or merge, still writing
    }, {
      onRegistered: (_store, model) => {
        // inside the row's transaction: the folder is models/<id>/ and no other connection sees the row yet
        seenBetween.push({
          folderThere: fs.existsSync(model.path),
          rowSeenElsewhere: other.models.get(model.id) !== undefined,
          removed: sweepOrphanModelFolders(dataDir, other.models, 0).map((f) => f.path),
        });
      },
    });
    await started;
    const building = fs.readdirSync(path.join(dataDir, 'models')).filter((n) => n.startsWith('.import-'));
    expect(building).toHaveLength(1);
    const studio = new Studio({ dataDir, mode: 'serve' }); // its sweep at open (within the hour's grace of the control)
    studio.close();
    expect(fs.existsSync(path.join(dataDir, 'models', building[0]))).toBe(true);
    release();
    const model = await build.finally(() => other.close());
    expect(seenBetween).toEqual([{ folderThere: true, rowSeenElsewhere: false, removed: [orphan] }]);
    expect(fs.existsSync(path.join(model.path, 'config.json'))).toBe(true);
    expect((await inProcessLathe(dataDir, ['model', 'list', '--json'])).json<Model[]>().map((m) => m.name)).toEqual(['s260k', 's260k-copy']);
    expect(liveUses(dataDir)).toEqual([]);
  });
});
