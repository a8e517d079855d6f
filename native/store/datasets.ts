// The datasets table and its per-split row counts. The rows themselves live in files under
// <dataDir>/datasets/<id>/ (native/data writes them); this table is inserted only once they are complete.
import type Database from 'better-sqlite3';
import { StudioError } from '../api/errors.ts';
import { Dataset, SPLITS, type ColumnMapping } from '../api/schemas.ts';
import { findByIdOrName, type Lookup } from './find.ts';

const DATASET: Lookup = { noun: 'dataset', idPrefix: 'ds', advice: "import one on the Datasets page or with 'lathe dataset import'" };

interface DatasetRow {
  id: string;
  project_id: string | null;
  name: string;
  source_path: string;
  format: string;
  compressed: number;
  columns_json: string;
  row_count: number;
  content_hash: string;
  mapping_json: string;
  split_seed: number;
  skipped_json: string;
  quoting: string | null;
  created_at: string;
}

export class DatasetTable {
  constructor(private readonly db: Database.Database) {}

  private toDataset(row: DatasetRow): Dataset {
    const splitRows = this.db.prepare('SELECT split, row_count, drawn FROM dataset_splits WHERE dataset_id = ?').all(row.id) as {
      split: string;
      row_count: number;
      drawn: 0 | 1 | null;
    }[];
    const splits = Object.fromEntries(SPLITS.map((s) => [s, splitRows.find((r) => r.split === s)?.row_count ?? 0]));
    // a split whose drawing is not known (NULL: imported before migration 13 and not inferable) leaves all unknown
    const known = splitRows.every((r) => r.drawn !== null);
    return Dataset.parse({
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      sourcePath: row.source_path,
      format: row.format,
      compressed: row.compressed === 1,
      columns: JSON.parse(row.columns_json),
      rowCount: row.row_count,
      contentHash: row.content_hash,
      mapping: JSON.parse(row.mapping_json),
      splits,
      splitSeed: row.split_seed,
      ...(known ? { drawnSplits: SPLITS.filter((s) => splitRows.find((r) => r.split === s)?.drawn === 1) } : {}),
      skippedRows: JSON.parse(row.skipped_json),
      quoting: row.quoting ?? undefined,
      createdAt: row.created_at,
    });
  }

  /** Refuse a name another dataset already has (datasets are picked by name in the CLI and the studio). */
  requireFreeName(name: string, field = 'name'): void {
    const taken = this.db.prepare('SELECT 1 FROM datasets WHERE name = ? LIMIT 1').get(name);
    if (taken) throw new StudioError('conflict', `a dataset named '${name}' already exists; choose another name`, { field });
  }

  /** Insert a complete dataset and its split counts in one transaction; refused if its name was taken meanwhile. */
  insert(dataset: Dataset): Dataset {
    const d = Dataset.parse(dataset);
    this.db
      .transaction(() => {
        this.requireFreeName(d.name);
        this.db
          .prepare(
            `INSERT INTO datasets (id, project_id, name, source_path, format, compressed, columns_json, row_count, content_hash,
               mapping_json, split_seed, skipped_json, quoting, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(d.id, d.projectId, d.name, d.sourcePath, d.format, d.compressed ? 1 : 0, JSON.stringify(d.columns), d.rowCount,
            d.contentHash, JSON.stringify(d.mapping), d.splitSeed, JSON.stringify(d.skippedRows), d.quoting ?? null, d.createdAt);
        const insertSplit = this.db.prepare('INSERT INTO dataset_splits (dataset_id, split, row_count, drawn) VALUES (?, ?, ?, ?)');
        for (const s of SPLITS) insertSplit.run(d.id, s, d.splits[s] ?? 0, d.drawnSplits === undefined ? null : d.drawnSplits.includes(s) ? 1 : 0);
      })
      .immediate();
    return d;
  }

  get(id: string): Dataset | undefined {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
    return row && this.toDataset(row);
  }

  /** All datasets, or those of one project (`null`: those attached to none). */
  list(projectId?: string | null): Dataset[] {
    const rows =
      projectId === undefined
        ? this.db.prepare('SELECT * FROM datasets ORDER BY created_at, rowid').all()
        : projectId === null
          ? this.db.prepare('SELECT * FROM datasets WHERE project_id IS NULL ORDER BY created_at, rowid').all()
          : this.db.prepare('SELECT * FROM datasets WHERE project_id = ? ORDER BY created_at, rowid').all(projectId);
    return (rows as DatasetRow[]).map((r) => this.toDataset(r));
  }

  /** The dataset a person named by id or name; a not_found error for `field` lists the datasets there are. */
  find(idOrName: string, field = 'dataset'): Dataset {
    return findByIdOrName(this.get(idOrName), () => this.list(), idOrName, DATASET, field);
  }

  ids(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM datasets').all() as { id: string }[]).map((r) => r.id));
  }

  setMapping(id: string, mapping: ColumnMapping): Dataset | undefined {
    const changed = this.db.prepare('UPDATE datasets SET mapping_json = ? WHERE id = ?').run(JSON.stringify(mapping), id).changes;
    return changed ? this.get(id) : undefined;
  }

  /** Attach a dataset to a project, or detach it (`null`). */
  setProject(id: string, projectId: string | null): Dataset | undefined {
    const changed = this.db.prepare('UPDATE datasets SET project_id = ? WHERE id = ?').run(projectId, id).changes;
    return changed ? this.get(id) : undefined;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }
}
