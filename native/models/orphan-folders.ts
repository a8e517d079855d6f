// Model folders with no row: models/<id>/ that no model of the store points at, left by a crash, removed when a studio
// opens (studio.ts) so their disk space comes back. Where they come from:
//   - import (import.ts buildAndRegister, which every import, download, merge, quantisation and training output goes
//     through): the folder is built as models/.import-<id>-<pid>/ (swept by import-temp.ts once that pid is dead),
//     renamed to models/<id>/, and only then is the row inserted. A kill between the rename and the insert (the
//     insert takes milliseconds; opening the store and parsing config.json come first) leaves models/<id>/ with no row.
//   - delete (studio/models.ts deleteModel, behind both the studio's Delete and `lathe model delete`): the row goes
//     first, then fs.rmSync of the folder. A kill during the removal (seconds, for a big model), or a removal that
//     fails (a file held open on Windows), leaves a part of models/<id>/ with no row.
// Never a race with a writer: the builder writes its in-use marker (store/in-use.ts) naming the new id before the
// rename and removes it only after the row is in. This sweep asks the marker first and the row second, each just
// before it removes that folder, so a folder it sees with neither was renamed and then either registered (the row is
// seen) or abandoned. A folder changed in the last hour is kept as well: a writer from an older Lathe leaves no marker.
// And a folder last changed before the store began recording folders (ModelTable.foldersRecordedSince) is kept: it
// was made beside an earlier database (lathe.db deleted or moved away, a new one made), not left by a crash of this
// one, and is the person's to import again or remove.
import fs from 'node:fs';
import path from 'node:path';
import { humanBytes } from '../api/format.ts';
import type { Model } from '../api/schemas.ts';
import { liveUseOf } from '../store/in-use.ts';
import { modelsDir } from './registry.ts';

/** The rows to ask (the store's models table). */
export interface ModelRows {
  get(id: string): Model | undefined;
  list(): Model[];
  /** Epoch ms since which the store records every model folder it makes. */
  foldersRecordedSince(): number;
}

/** How a model folder is named: its row's id (store/ids.ts' newId('mdl')). Any other name is not ours to remove. */
const MODEL_FOLDER = /^mdl_[0-9a-f]{12}$/;

/** A folder changed more recently than this is kept even with no row and no marker. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface RemovedFolder {
  path: string;
  /** Bytes its files took. */
  bytes: number;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

/** Whether a row has this folder: by its id, or by its path (however the folder is named, a row's folder stays). */
function hasRow(rows: ModelRows, id: string, folder: string): boolean {
  return rows.get(id) !== undefined || rows.list().some((m) => path.resolve(m.path) === folder);
}

/**
 * Remove the model folders under `dataDir`'s models/ that have no row (asked of `rows` just before each removal), no
 * live in-use marker and no change within `graceMs`. Returns what went, with the bytes each freed.
 */
export function sweepOrphanModelFolders(dataDir: string, rows: ModelRows, graceMs = ORPHAN_GRACE_MS): RemovedFolder[] {
  const root = modelsDir(dataDir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return []; // no models/ yet
  }
  const removed: RemovedFolder[] = [];
  const recordedSince = rows.foldersRecordedSince();
  for (const entry of entries) {
    if (!entry.isDirectory() || !MODEL_FOLDER.test(entry.name)) continue;
    const full = path.resolve(root, entry.name);
    if (liveUseOf(dataDir, 'models', { id: entry.name })) continue; // being written, or its row is being inserted
    if (hasRow(rows, entry.name, full)) continue;
    try {
      const changed = fs.statSync(full).mtimeMs;
      if (Date.now() - changed < graceMs || changed < recordedSince) continue; // lately changed, or an earlier store's
      const bytes = folderBytes(full);
      fs.rmSync(full, { recursive: true, force: true });
      removed.push({ path: full, bytes });
    } catch {
      // gone meanwhile, or unreadable: the next open tries again
    }
  }
  return removed;
}

/** What the sweep removed, in one line for the studio's log, or null when nothing. */
export function removedFoldersNote(removed: readonly RemovedFolder[]): string | null {
  if (removed.length === 0) return null;
  const bytes = removed.reduce((sum, f) => sum + f.bytes, 0);
  const what = removed.length === 1 ? 'a model folder' : `${removed.length} model folders`;
  return `removed ${what} with no model recorded (left by a crash mid-import or mid-delete), ${humanBytes(bytes)} freed: ${removed.map((f) => f.path).join(', ')}`;
}
