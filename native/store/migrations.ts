// The store's schema, as an ordered list of migrations. PRAGMA user_version records how many have run; every
// open runs the missing ones in one IMMEDIATE transaction, so two processes opening a fresh file at once
// (the app and the CLI) cannot both apply the same step. Never edit a shipped migration: append a new one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'projects, datasets and models',
    sql: `
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        task TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        metric TEXT,
        target REAL,
        device TEXT NOT NULL DEFAULT 'any',
        memory_budget_mb INTEGER,
        max_latency_ms INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
        name TEXT NOT NULL,
        source_path TEXT NOT NULL,
        format TEXT NOT NULL,
        compressed INTEGER NOT NULL,
        columns_json TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        mapping_json TEXT NOT NULL,
        split_seed INTEGER NOT NULL,
        skipped_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX datasets_project ON datasets(project_id);
      CREATE TABLE dataset_splits (
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
        row_count INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, split)
      );
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        architecture TEXT NOT NULL,
        path TEXT NOT NULL,
        config_json TEXT NOT NULL,
        parameter_count INTEGER NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'runs, their metrics and artifacts',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        config_json TEXT NOT NULL,
        parent_run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX runs_project ON runs(project_id);
      CREATE TABLE run_metrics (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step REAL NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        time TEXT NOT NULL
      );
      CREATE INDEX run_metrics_run ON run_metrics(run_id, name, step);
      CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX artifacts_run ON artifacts(run_id);
    `,
  },
  {
    version: 3,
    description: 'jobs and job logs',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
        progress REAL NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        eta_seconds REAL,
        params_json TEXT NOT NULL,
        result_json TEXT,
        error TEXT,
        run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
        owner_pid INTEGER,
        worker_pid INTEGER,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_state ON jobs(state);
      CREATE TABLE job_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        time TEXT NOT NULL,
        level TEXT NOT NULL,
        line TEXT NOT NULL
      );
      CREATE INDEX job_logs_job ON job_logs(job_id, id);
    `,
  },
  {
    version: 4,
    description: 'the process that owns a run trained outside the job queue',
    sql: `
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_started TEXT;
    `,
  },
  {
    version: 5,
    description: "a run's tags and note, written by the person, not the engine",
    sql: `
      ALTER TABLE runs ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 6,
    description: 'the request log of the OpenAI-compatible server (lathe serve-api)',
    sql: `
      CREATE TABLE api_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        model TEXT,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        latency_ms REAL NOT NULL,
        tokens_per_second REAL,
        error TEXT
      );
      CREATE INDEX api_requests_time ON api_requests(time);
    `,
  },
  {
    version: 7,
    description: 'document collections for retrieval (RAG): documents, their chunks and the chunks\' vectors',
    sql: `
      CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
        name TEXT NOT NULL UNIQUE,
        tokenizer_model TEXT,
        embed_model TEXT,
        embed_dim INTEGER,
        chunk_tokens INTEGER NOT NULL,
        overlap_tokens INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX collections_project ON collections(project_id);
      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        source_path TEXT NOT NULL,
        format TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        char_count INTEGER NOT NULL,
        page_count INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE INDEX documents_collection ON documents(collection_id);
      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL,
        page INTEGER,
        section TEXT,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        token_count INTEGER NOT NULL
      );
      CREATE INDEX chunks_collection ON chunks(collection_id, id);
      CREATE INDEX chunks_document ON chunks(document_id, seq);
      CREATE TABLE chunk_vectors (
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        vector BLOB NOT NULL
      );
      CREATE INDEX chunk_vectors_collection ON chunk_vectors(collection_id, chunk_id);
    `,
  },
  {
    version: 8,
    description: "embedding models in the store: a model's kind (decoder or encoder) and the store model a collection embeds with",
    sql: `
      ALTER TABLE models ADD COLUMN kind TEXT NOT NULL DEFAULT 'decoder' CHECK (kind IN ('decoder', 'encoder'));
      ALTER TABLE collections ADD COLUMN embed_model_id TEXT REFERENCES models(id) ON DELETE SET NULL;
      UPDATE collections SET embed_model_id = (SELECT id FROM models WHERE models.path = collections.embed_model);
    `,
  },
  {
    version: 9,
    description: "indexes for a grown data directory: a run's jobs, the newest jobs, and the runs a deleted run parented",
    // jobs.list by run (every run page) and the newest jobs (the Runs page) scanned and sorted the whole jobs table;
    // deleting a run scanned jobs and runs to clear the foreign keys that point at it (ON DELETE SET NULL).
    sql: `
      CREATE INDEX jobs_run ON jobs(run_id, created_at);
      CREATE INDEX jobs_created ON jobs(created_at);
      CREATE INDEX runs_parent ON runs(parent_run_id);
    `,
  },
  {
    version: 10,
    description: "a run's time spent running, apart from the pauses between a cancel and a resume",
    // active_ms: milliseconds the run has been running, summed over each start or resume until it stopped; NULL for a
    // run recorded before this migration or stopped without knowing when (interrupted). running_since: the start
    // of the current stretch while running.
    sql: `
      ALTER TABLE runs ADD COLUMN active_ms INTEGER;
      ALTER TABLE runs ADD COLUMN running_since TEXT;
    `,
  },
  {
    version: 11,
    description: "how a CSV or TSV dataset's quotes were read (DatasetImportInput.quoting)",
    // NULL for JSON and JSON Lines, which have no quoting option. A CSV or TSV dataset imported before this migration
    // was read with CSV's quoting, the only one there was until quoting 'none' came with this column.
    sql: `
      ALTER TABLE datasets ADD COLUMN quoting TEXT CHECK (quoting IN ('csv', 'none'));
      UPDATE datasets SET quoting = 'csv' WHERE format IN ('csv', 'tsv');
    `,
  },
  {
    version: 12,
    description: 'since when the store records every model folder it makes (models/orphan-folders.ts)',
    // A models/<id>/ folder older than this time is not a crash's leftover of this store: the database was made anew
    // beside folders an earlier one recorded (lathe.db moved away or deleted), so the orphan sweep leaves it alone.
    // A store this migration reaches already existed: from now on is the only time known for it.
    sql: `
      CREATE TABLE store_facts (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO store_facts (key, value) VALUES ('model_folders_recorded_since', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    `,
  },
  {
    version: 13,
    description: "which of a dataset's splits a seeded draw placed rows in (Dataset.drawnSplits)",
    // drawn: 1 where a file's rows were shuffled into this split and others with the dataset's seed, 0 where none were
    // (a file kept whole as one split: the seed placed no row), NULL where a dataset imported before this migration
    // cannot tell. What is certain is filled in: a split with no rows drew none; a dataset whose rows are all in one
    // split drew none; one file (a source without ' + ', which joins the files of an import) whose rows are in several
    // splits was drawn, since only a draw splits a file. Several files in several splits stay unknown: each may have
    // been kept whole or drawn.
    sql: `
      ALTER TABLE dataset_splits ADD COLUMN drawn INTEGER CHECK (drawn IN (0, 1));
      UPDATE dataset_splits SET drawn = 0 WHERE row_count = 0;
      UPDATE dataset_splits SET drawn = 0 WHERE drawn IS NULL AND dataset_id IN
        (SELECT dataset_id FROM dataset_splits WHERE row_count > 0 GROUP BY dataset_id HAVING COUNT(*) = 1);
      UPDATE dataset_splits SET drawn = 1 WHERE drawn IS NULL AND dataset_id IN
        (SELECT id FROM datasets WHERE instr(source_path, ' + ') = 0);
    `,
  },
  {
    version: 14,
    description: 'why a failed run failed (Run.error)',
    // NULL for every run but a failed one; a run that failed before this migration kept no reason, so it stays NULL.
    sql: `
      ALTER TABLE runs ADD COLUMN error TEXT;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring the schema up to `target` (the latest by default). Refuses a file written by a newer Lathe. */
export function migrate(db: Database.Database, target = LATEST_VERSION): void {
  const apply = db.transaction(() => {
    const current = schemaVersion(db);
    if (current > LATEST_VERSION) {
      throw new Error(
        `the database was written by a newer Lathe (schema version ${current}, this version knows up to ${LATEST_VERSION}): update Lathe or use another data directory`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  apply.immediate();
}
