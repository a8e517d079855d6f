// The models a data directory holds: each is a Hugging Face folder under <dataDir>/models/<id>/ and a row in
// the store's models table. Every way in (import, download, training output) goes through import.ts, which
// writes the folder atomically first, then the row, so the two never disagree.
import path from 'node:path';
import { openStore } from '../store/db.ts';
import type { Model } from '../api/schemas.ts';

export function modelsDir(dataDir: string): string {
  return path.join(dataDir, 'models');
}

export function listModels(dataDir: string): Model[] {
  const store = openStore(dataDir);
  try {
    return store.models.list();
  } finally {
    store.close();
  }
}

/** A model by id or by name, for callers without a store open (the CLI); the error lists what exists. */
export function findModel(dataDir: string, idOrName: string): Model {
  const store = openStore(dataDir);
  try {
    return store.models.find(idOrName);
  } finally {
    store.close();
  }
}

/** A text-generation model by id or name (the CLI's generate, export, deploy): an embedding model is refused. */
export function findDecoder(dataDir: string, idOrName: string, doing: string): Model {
  const store = openStore(dataDir);
  try {
    return store.models.findDecoder(idOrName, doing);
  } finally {
    store.close();
  }
}

/** The name of the model a quantised variant was made from (store.models.variantSource), or null. */
export function variantSourceName(dataDir: string, model: Pick<Model, 'source'>): string | null {
  const store = openStore(dataDir);
  try {
    return store.models.variantSource(model)?.name ?? null;
  } finally {
    store.close();
  }
}
