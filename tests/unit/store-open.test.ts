// Opening the store where it cannot work: SQLite's bare "file is not a database" / "unable to open database
// file" become a StoreOpenError naming the file and the way out; a new data directory is announced.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, StoreOpenError, onStoreNotice, openStore } from '../../native/store/db.ts';
import { dataDirError, describeOpenError } from '../../native/store/db-open.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-store-open-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function openError(dataDir: string): StoreOpenError {
  try {
    openStore(dataDir).close();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreOpenError);
    return err as StoreOpenError;
  }
  throw new Error(`openStore(${dataDir}) did not fail`);
}

describe('openStore on a data directory it cannot use', () => {
  it('names a lathe.db that is not a database and says how to start afresh', () => {
    const dir = tempDir();
    const file = path.join(dir, DB_FILE);
    fs.writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    const err = openError(dir);
    expect(err.reason).toBe('SQLITE_NOTADB');
    expect(err.file).toBe(file);
    expect(err.message).toContain(`${file} is not a Lathe database (or is damaged)`);
    expect(err.message).toMatch(/Move it aside to start afresh, or point --data-dir/);
    expect(err.message).toMatch(/models and datasets folders are untouched/);
    expect(err.exitCode).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^these are my notes/);
  });

  it('names a lathe.db that is a folder', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, DB_FILE));
    const err = openError(dir);
    expect(err.reason).toMatch(/^SQLITE_CANTOPEN/);
    expect(err.message).toContain(`cannot open ${path.join(dir, DB_FILE)}`);
  });

  it('refuses a data directory that is a file, or lies under one', () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'x');
    expect(openError(file).message).toBe(`data directory ${file} is a file, not a folder: point --data-dir (or LATHE_DATA_DIR) at a folder.`);
    expect(openError(path.join(file, 'lathe')).message).toMatch(/cannot be created: part of its path is a file/);
  });

  it('explains read-only and permission failures (which root cannot provoke, so from the errors themselves)', () => {
    const readOnly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect(describeOpenError('/d/lathe.db', readOnly).message).toMatch(/^\/d\/lathe\.db is read-only \(attempt to write a readonly database\): .*write permission/);
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(dataDirError('/d', denied).message).toMatch(/^data directory \/d is not writable by you.*fix the folder's permissions/);
    const other = new Error('disk I/O error');
    expect(describeOpenError('/d/lathe.db', other)).toBe(other);
  });
});

describe('openStore announcements', () => {
  it('says when it creates the data directory or a new database among other files, and only then', () => {
    const lines: string[] = [];
    const stop = onStoreNotice((line) => lines.push(line));
    try {
      const fresh = path.join(tempDir(), 'nested', 'data');
      openStore(fresh).close();
      expect(lines).toEqual([`created data directory ${fresh}`]);
      openStore(fresh).close();
      expect(lines).toHaveLength(1);
      const busy = tempDir();
      fs.writeFileSync(path.join(busy, 'report.docx'), 'x');
      openStore(busy).close();
      expect(lines[1]).toBe(`no lathe.db in ${busy}, which holds other files: creating a new Lathe database there`);
      openStore(tempDir()).close();
      expect(lines).toHaveLength(2);
    } finally {
      stop();
    }
  });
});

describe.skipIf(process.platform === 'win32')('a data directory openStore creates', () => {
  it('is the owner\'s alone (it holds datasets and models), while its new parents and an existing folder keep their modes', () => {
    const root = tempDir();
    const fresh = path.join(root, 'config', 'Lathe');
    openStore(fresh).close();
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(fresh)).toBe(0o700);
    expect(mode(path.dirname(fresh))).toBe(0o777 & ~process.umask());
    const existing = tempDir();
    fs.chmodSync(existing, 0o755);
    openStore(existing).close();
    expect(mode(existing)).toBe(0o755);
  });
});
