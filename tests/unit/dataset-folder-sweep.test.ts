// What a crash leaves under datasets/ and what the next studio's sweep (sweepIncompleteImports) removes: a dataset
// folder without its database row (an import that died between rename and insert, or a delete that died between
// removing the row and the folder) once the process named in its manifest is gone, and a dead process's temporary
// import folder. Folders of registered datasets, of live processes and folders that are not Lathe's stay.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetDir, datasetsRoot, sweepIncompleteImports } from '../../native/data/files.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-dataset-sweep-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function folder(dataDir: string, name: string, manifest?: object): string {
  const dir = path.join(datasetsRoot(dataDir), name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'rows.jsonl'), '{"text":"a"}\n');
  if (manifest) fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('the sweep of datasets/ when a studio opens', () => {
  it('removes rowless folders and temporaries of dead processes, and keeps everything else', () => {
    const dataDir = path.join(tmp, 'data');
    const dead = deadPid();
    const orphan = folder(dataDir, 'ds_0000000000a1', { id: 'ds_0000000000a1', pid: dead }); // its row was deleted
    const registered = folder(dataDir, 'ds_0000000000a2', { id: 'ds_0000000000a2', pid: dead });
    const live = folder(dataDir, 'ds_0000000000a3', { id: 'ds_0000000000a3', pid: process.ppid }); // an importer still running
    const temporary = folder(dataDir, `.import-${dead}-ds_0000000000a4`);
    const foreign = folder(dataDir, 'notes'); // no manifest: not Lathe's
    const removed = sweepIncompleteImports(dataDir, new Set(['ds_0000000000a2']));
    expect(removed.sort()).toEqual([`.import-${dead}-ds_0000000000a4`, 'ds_0000000000a1'].sort());
    expect([orphan, temporary].map((d) => fs.existsSync(d))).toEqual([false, false]);
    expect([registered, live, foreign].map((d) => fs.existsSync(d))).toEqual([true, true, true]);
    expect(datasetDir(dataDir, 'ds_0000000000a2')).toBe(registered);
  });
});
