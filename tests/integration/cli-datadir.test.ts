// The data directory as a user meets it from `lathe`: a damaged lathe.db stops every command (and
// `lathe serve`) with exit 2 and a message that names the file; a new data directory is announced once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { lathe, tempDir } from './helpers/lathe.ts';

const root = tempDir('cli-datadir');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('lathe --data-dir', () => {
  const damaged = path.join(root, 'damaged');
  fs.mkdirSync(damaged);
  const dbFile = path.join(damaged, 'lathe.db');
  fs.writeFileSync(dbFile, 'not sqlite at all\n'.repeat(200));

  it('stops on a lathe.db that is not a database, naming it and the way out', async () => {
    const r = await inProcessLathe(damaged, ['project', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe project list: ${dbFile} is not a Lathe database (or is damaged)`);
    expect(r.stderr).toMatch(/Move it aside to start afresh/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const asJson = await inProcessLathe(damaged, ['--data-dir', damaged, 'dataset', 'list', '--json']);
    expect(asJson.code).toBe(2);
    expect(asJson.json<{ error: string }>().error).toContain(`${dbFile} is not a Lathe database`);
  });

  it('stops `lathe serve` the same way', () => {
    const r = lathe(damaged, ['serve', '--port', '0'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe serve: ${dbFile} is not a Lathe database`);
    expect(r.stdout).not.toMatch(/Lathe studio:/);
  });

  it('announces a data directory it creates, once', async () => {
    const fresh = path.join(root, 'typo', 'data');
    const first = await inProcessLathe(root, ['--data-dir', fresh, 'project', 'list', '--json']);
    expect(first.code).toBe(0);
    expect(first.json()).toEqual([]);
    expect(first.stderr.trim()).toBe(`lathe: created data directory ${fresh}`);
    const second = await inProcessLathe(root, ['--data-dir', fresh, 'project', 'list']);
    expect(second.stderr).toBe('');
  });

  it('takes an empty LATHE_DATA_DIR as unset and refuses an empty --data-dir, never using the current folder', () => {
    const cwd = path.join(root, 'cwd');
    const config = path.join(root, 'config');
    fs.mkdirSync(cwd);
    // the per-user folder, on every platform, inside the test's own folder
    const env = { HOME: root, XDG_CONFIG_HOME: config, APPDATA: config };
    const unset = lathe('', ['project', 'list', '--json'], { cwd, env });
    expect(unset.code).toBe(0);
    expect(unset.json()).toEqual([]);
    for (const args of [['--data-dir=', 'project', 'list'], ['project', 'list', '--data-dir', '']]) {
      const r = lathe('', args, { cwd, env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toBe('lathe project list: --data-dir needs a folder: give one (--data-dir DIR), or leave the flag out for $LATHE_DATA_DIR or the per-user Lathe folder.');
    }
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('refuses a data directory that is a file', async () => {
    const file = path.join(root, 'notes.txt');
    fs.writeFileSync(file, 'x');
    const r = await inProcessLathe(file, ['project', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`data directory ${file} is a file, not a folder`);
  });

  it('refuses a folder that cannot be made at once, naming it (under /proc, Node\'s recursive mkdir never returned)', () => {
    const where = '/proc/lathe-cannot-exist/data';
    if (!fs.existsSync('/proc/self')) {
      console.log('skipped the /proc data directory check: this system has no /proc');
      return;
    }
    const r = lathe(where, ['project', 'list'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`data directory ${where} cannot be created or used`);
  });
});
