// Opening the studio's SQLite file: pragmas that let the app and the CLI share it (WAL, busy_timeout),
// foreign keys on, migrations run at open; and the Store that gathers one module per table family.
import Database from 'better-sqlite3';
import path from 'node:path';
import { migrate } from './migrations.ts';
import { ProjectTable } from './projects.ts';
import { DatasetTable } from './datasets.ts';
import { ModelTable } from './models.ts';
import { RunTable } from './runs.ts';
import { JobTable } from './jobs.ts';
import { ApiRequestTable } from './api-requests.ts';
import { CollectionTable } from './collections.ts';
import { describeOpenError, prepareDataDir } from './db-open.ts';

export { newId, nowIso } from './ids.ts';
export { StoreOpenError, onStoreNotice } from './db-open.ts';

export const DB_FILE = 'lathe.db';

/** How long a writer waits for another process's lock before SQLITE_BUSY. Imports and training write in bursts. */
const BUSY_TIMEOUT_MS = 10_000;

export class Store {
  readonly projects: ProjectTable;
  readonly datasets: DatasetTable;
  readonly models: ModelTable;
  readonly runs: RunTable;
  readonly jobs: JobTable;
  readonly apiRequests: ApiRequestTable;
  readonly collections: CollectionTable;

  constructor(
    readonly db: Database.Database,
    readonly dataDir: string,
  ) {
    this.projects = new ProjectTable(db);
    this.datasets = new DatasetTable(db);
    this.models = new ModelTable(db, dataDir);
    this.runs = new RunTable(db);
    this.jobs = new JobTable(db, this.runs);
    this.apiRequests = new ApiRequestTable(db);
    this.collections = new CollectionTable(db, dataDir);
  }

  /** Run `fn` in one transaction (IMMEDIATE, so a concurrent writer waits instead of failing mid-way). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Open (creating if needed) `<dataDir>/lathe.db` and migrate it to the latest schema. A directory that cannot
 * be created or written, or a file that is not a (healthy, writable) SQLite database, throws StoreOpenError.
 */
export function openStore(dataDir: string, options: { file?: string } = {}): Store {
  const file = path.resolve(options.file ?? path.join(dataDir, DB_FILE));
  prepareDataDir(dataDir, file);
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw describeOpenError(file, err);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw describeOpenError(file, err);
  }
  return new Store(db, dataDir);
}
