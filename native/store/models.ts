// The models table: each model is a Hugging Face-style folder on disk; this row says where, what it is and
// where it came from (download, llama2.c import, training run).
import type Database from 'better-sqlite3';
import { parseQuantizeSource } from '../api/deploy.ts';
import { StudioError } from '../api/errors.ts';
import { firstFreeName } from '../api/model-names.ts';
import { Model } from '../api/schemas.ts';
import { findByIdOrName, type Lookup } from './find.ts';
import { noteInUse } from './in-use.ts';
import { modelPathHint } from './model-path-hint.ts';
import { newId, nowIso } from './ids.ts';

interface ModelRow {
  id: string;
  name: string;
  kind: string;
  architecture: string;
  path: string;
  config_json: string;
  parameter_count: number;
  source: string;
  created_at: string;
}

function toModel(row: ModelRow): Model {
  return Model.parse({
    id: row.id,
    name: row.name,
    kind: row.kind,
    architecture: row.architecture,
    path: row.path,
    config: JSON.parse(row.config_json),
    parameterCount: row.parameter_count,
    source: row.source,
    createdAt: row.created_at,
  });
}

const MODEL: Lookup = { noun: 'model', idPrefix: 'mdl', advice: "import one on the Select page or with 'lathe model import'" };

/** What every decoder-only feature says when given an embedding model: which model, what it is for, what to pick. */
export function encoderRefusal(name: string, doing: string): string {
  return `'${name}' is an embedding model (a sentence encoder): it turns text into vectors for document collections and cannot ${doing}; use it with 'lathe docs create COLLECTION --embed-model ${name}' or on the Documents page, and choose a text-generation model here`;
}

export type ModelInput = Omit<Model, 'id' | 'createdAt' | 'kind'> & { id?: string; kind?: Model['kind'] };

export class ModelTable {
  constructor(
    private readonly db: Database.Database,
    /** The data directory the store is in: whose in-use markers `find` adds to. */
    private readonly dataDir: string,
  ) {}

  /**
   * Since when (epoch ms) this store records every model folder it makes: a models/<id>/ folder older than that was
   * made beside another database (store/migrations.ts, version 12), so no crash of this one left it.
   */
  foldersRecordedSince(): number {
    const row = this.db.prepare(`SELECT value FROM store_facts WHERE key = 'model_folders_recorded_since'`).get() as { value: string } | undefined;
    return row ? Date.parse(row.value) : Date.now();
  }

  create(input: ModelInput): Model {
    const model = Model.parse({ ...input, id: input.id ?? newId('mdl'), createdAt: nowIso() });
    this.db
      .prepare(
        `INSERT INTO models (id, name, kind, architecture, path, config_json, parameter_count, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(model.id, model.name, model.kind, model.architecture, model.path, JSON.stringify(model.config ?? null), model.parameterCount,
        model.source, model.createdAt);
    return model;
  }

  get(id: string): Model | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    return row && toModel(row);
  }

  /** The model a quantised variant was made from (its source 'quantize:<id>:<dtype>'), or null: made another way, or deleted since. */
  variantSource(model: Pick<Model, 'source'>): Model | null {
    const from = parseQuantizeSource(model.source);
    return (from && this.get(from.modelId)) ?? null;
  }

  list(): Model[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY created_at, rowid').all() as ModelRow[]).map(toModel);
  }

  /** Refuse a name another model already has (names are how people pick models in the CLI and the studio). */
  requireFreeName(name: string, field = 'name'): void {
    if (this.nameTaken(name)) throw new StudioError('conflict', `a model named '${name}' already exists; choose another name`, { field });
  }

  /** `name`, or the first of name-2, name-3 … no model has: for names the engine picks when the user gave none. */
  freeName(name: string): string {
    return firstFreeName(name, (candidate) => this.nameTaken(candidate));
  }

  private nameTaken(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM models WHERE name = ? LIMIT 1').get(name) !== undefined;
  }

  /**
   * Refuse, before any work, a set of names a command will register when any is taken: every taken one is
   * named at once (so a second try does not fail on the next), followed by what to do about it (or them).
   */
  requireFreeNames(names: readonly string[], whatToDo: (them: 'it' | 'them') => string, field = 'name'): void {
    const taken = names.filter((n) => this.nameTaken(n));
    if (taken.length === 0) return;
    const list = taken.map((n) => `'${n}'`).join(', ');
    const what = taken.length === 1 ? `a model named ${list} already exists` : `models named ${list} already exist`;
    throw new StudioError('conflict', `${what}; ${whatToDo(taken.length === 1 ? 'it' : 'them')}`, { field });
  }

  /**
   * The model a person named by id or name; a not_found error for `field` lists the models there are. Found for work
   * on it: named in the in-use marker of the foreground command this process runs (nothing in a studio:
   * store/in-use.ts), so `lathe model delete` elsewhere refuses while the command lasts. A listing looks up with `peek`.
   */
  find(idOrName: string, field = 'model'): Model {
    const model = this.peek(idOrName, field);
    noteInUse(this.dataDir, { models: [model.id] });
    return model;
  }

  /** The model named by id or name, as `find`, but not marked in use: for what only lists or shows models. */
  peek(idOrName: string, field = 'model'): Model {
    try {
      return findByIdOrName(this.get(idOrName), () => this.list(), idOrName, MODEL, field);
    } catch (err) {
      // a path typed where a model's name goes: say which import makes a model of it
      const hint = err instanceof StudioError && err.code === 'not_found' ? modelPathHint(idOrName) : null;
      throw hint === null ? err : new StudioError('not_found', hint, { id: idOrName, field });
    }
  }

  /**
   * A model that generates text, by id or name: an embedding model (kind 'encoder') is refused with what it is
   * for. `doing` completes "cannot …" (e.g. 'generate text').
   */
  findDecoder(idOrName: string, doing: string, field = 'model'): Model {
    const model = this.find(idOrName, field);
    if (model.kind === 'encoder') throw new StudioError('invalid_params', encoderRefusal(model.name, doing), { field });
    return model;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }
}
