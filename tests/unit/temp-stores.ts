// Stores in temporary folders for a test file: each one opened is closed, and each folder removed, after every test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from '../../native/store/db.ts';

export function tempStores(prefix: string): { tempDir(): string; open(dir: string): Store } {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    stores.splice(0).forEach((s) => s.close());
    dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  });
  return {
    tempDir() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    open(dir) {
      const s = openStore(dir);
      stores.push(s);
      return s;
    },
  };
}
