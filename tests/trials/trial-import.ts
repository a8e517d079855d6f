// Fault trial: dataset import (DialogSum train, 12,460 rows) killed at a random moment. Checks: the store is
// intact; a dataset is listed only with all its files whole; no job or run is left 'running'; importing again
// gives the same rows, offsets and splits byte for byte and sweeps what the killed import left behind.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Dataset } from '../../native/api/schemas.ts';
import { datasetsRoot, datasetDir } from '../../native/data/files.ts';
import { DB_FILE, openStore } from '../../native/store/db.ts';
import { check, integrityCheck, killCli, killJob, latheJson, type Check, type KillResult, type KillTarget } from './common.ts';
import { DATASET_FILES, DIALOGSUM_TRAIN, datasetFileHashes, type Fixture } from './fixture.ts';

/** Where the import was when it died, read from the disk and the database before any Lathe process opens them. */
function importPhase(dataDir: string, name: string, kill: KillResult): string {
  const db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true });
  let known: Set<string>;
  let recorded: boolean;
  try {
    known = new Set((db.prepare('SELECT id FROM datasets').all() as { id: string }[]).map((r) => r.id));
    recorded = db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
  } finally {
    db.close();
  }
  const entries = fs.existsSync(datasetsRoot(dataDir)) ? fs.readdirSync(datasetsRoot(dataDir)) : [];
  const percent = [...kill.output.matchAll(/importing: (\d+)%/g)].at(-1)?.[1];
  if (recorded) return 'recorded';
  if (entries.some((e) => !e.startsWith('.') && !known.has(e))) return 'renamed, not recorded';
  if (entries.some((e) => e.startsWith('.import-'))) return `writing rows${percent ? ` (${percent}%)` : ''}`;
  // a job's worker is announced once it reports, after it made its folder: none left means it removed it
  return kill.output.includes('worker ') ? 'stopped, folder removed' : 'before any write';
}

/** Each listed dataset's files agree with its record: offsets for every row, a split byte per row. */
export function datasetProblems(dataDir: string): string[] {
  const store = openStore(dataDir);
  try {
    const problems: string[] = [];
    for (const d of store.datasets.list()) {
      const dir = datasetDir(dataDir, d.id);
      const missing = [...DATASET_FILES, 'manifest.json'].filter((f) => !fs.existsSync(path.join(dir, f)));
      if (missing.length) {
        problems.push(`dataset ${d.name} (${d.id}) is listed but lacks ${missing.join(', ')}`);
        continue;
      }
      const index = fs.readFileSync(path.join(dir, 'index.bin'));
      const rowsBytes = fs.statSync(path.join(dir, 'rows.jsonl')).size;
      if (index.length !== (d.rowCount + 1) * 8) problems.push(`dataset ${d.name}: index.bin holds ${index.length / 8 - 1} rows, the record ${d.rowCount}`);
      else if (Number(index.readBigUInt64LE(index.length - 8)) !== rowsBytes) problems.push(`dataset ${d.name}: rows.jsonl is ${rowsBytes} bytes, the index ends at ${index.readBigUInt64LE(index.length - 8)}`);
      if (fs.statSync(path.join(dir, 'splits.bin')).size !== d.rowCount) problems.push(`dataset ${d.name}: splits.bin does not have one byte per row`);
    }
    return problems;
  } finally {
    store.close();
  }
}

/** After the next studio start: no job or run still says it is running. */
export function openWorkProblems(dataDir: string, studioRestart: boolean): string[] {
  const store = openStore(dataDir); // opening ends the foreground runs whose process died
  try {
    if (studioRestart) store.jobs.markInterrupted(); // what a studio does when it starts
    const problems: string[] = [];
    for (const j of store.jobs.list(1000)) if (j.state === 'running' || j.state === 'queued') problems.push(`job ${j.id} (${j.kind}) is still ${j.state}`);
    for (const r of store.runs.list()) if (r.status === 'running' || r.status === 'created') problems.push(`run ${r.id} (${r.kind} '${r.name}') is still ${r.status}`);
    return problems;
  } finally {
    store.close();
  }
}

export async function importTrial(fx: Fixture, dataDir: string, target: KillTarget, atMs: number): Promise<{ kill: KillResult; phase: string; checks: Check[] }> {
  const name = 'dsum-trial';
  const kill = target === 'cli'
    ? await killCli(dataDir, ['dataset', 'import', DIALOGSUM_TRAIN, '--name', name], atMs)
    : await killJob(dataDir, 'dataset-import', { path: DIALOGSUM_TRAIN, name }, target, atMs);
  const phase = kill.finishedFirst ? 'finished' : importPhase(dataDir, name, kill);
  const checks: Check[] = [check('integrity_check', integrityCheck(dataDir) === 'ok' ? [] : [integrityCheck(dataDir)])];
  checks.push(check('listed datasets whole', datasetProblems(dataDir)));
  checks.push(check('nothing left running', openWorkProblems(dataDir, target !== 'cli')));

  // retry (or, when the import finished before the kill, take the dataset it made) and compare with the reference
  const problems: string[] = [];
  const store = openStore(dataDir);
  const found = store.datasets.list().find((d) => d.name === name);
  store.close();
  const existing = found ?? latheJson<Dataset>(dataDir, ['dataset', 'import', DIALOGSUM_TRAIN, '--name', name]);
  if (existing.rowCount !== fx.import.rowCount) problems.push(`${existing.rowCount} rows, reference ${fx.import.rowCount}`);
  if (existing.contentHash !== fx.import.contentHash) problems.push('source hash differs');
  const hashes = datasetFileHashes(dataDir, existing.id);
  for (const f of Object.keys(hashes)) if (hashes[f] !== fx.import.files[f]) problems.push(`${f} differs from the reference import`);
  const store2 = openStore(dataDir);
  const ids = store2.datasets.ids();
  store2.close();
  const leftovers = fs.readdirSync(datasetsRoot(dataDir)).filter((e) => !ids.has(e));
  if (leftovers.length) problems.push(`left on disk after the retry: ${leftovers.join(', ')}`);
  checks.push(check('retry exact', problems));
  return { kill, phase, checks };
}
