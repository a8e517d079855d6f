// The models a data directory holds: each is a Hugging Face folder under <dataDir>/models/<id>/ and a row in
// the store's models table. Importers write the folder atomically first, then the row; a failed row removes
// the folder, so the two never disagree.
import fs from 'node:fs';
import path from 'node:path';
import { openStore, newId } from '../store/db.ts';
import type { Model } from '../api/schemas.ts';
import { CheckpointWeights, INDEX_FILE, fillHfFolder, readHfFolder } from './checkpoint.ts';
import { checkCheckpoint, parameterCounts } from './params.ts';
import { llama2cToHf } from './llama2c.ts';
import { writeFolderAtomic } from './atomic.ts';
import { CheckpointError } from './safetensors.ts';

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

/** A model by id or by name; the error lists what exists. */
export function findModel(dataDir: string, nameOrId: string): Model {
  const all = listModels(dataDir);
  const found = all.find((m) => m.id === nameOrId) ?? all.find((m) => m.name === nameOrId);
  if (!found) {
    const known = all.map((m) => m.name).join(', ') || 'none yet';
    throw new Error(`no model named '${nameOrId}' (models: ${known}); import one with 'lathe model import' or 'lathe model import-llama2c'`);
  }
  return found;
}

/** Write a model folder with `fill`, check it loads, and record it under `name`. */
async function register(dataDir: string, name: string, source: string, fill: (dir: string) => Promise<void>): Promise<Model> {
  if (!name.trim()) throw new Error('a model needs a non-empty --name');
  if (listModels(dataDir).some((m) => m.name === name)) throw new Error(`a model named '${name}' already exists; choose another --name`);
  const id = newId('mdl');
  const dir = path.join(modelsDir(dataDir), id);
  await writeFolderAtomic(dir, fill);
  try {
    const folder = readHfFolder(dir);
    const weights = CheckpointWeights.open(dir);
    try {
      checkCheckpoint(folder.spec, weights);
    } finally {
      weights.close();
    }
    const store = openStore(dataDir);
    try {
      return store.models.create({ id, name, architecture: folder.spec.architecture, path: dir, config: folder.config, parameterCount: parameterCounts(folder.spec).total, source });
    } finally {
      store.close();
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

const COPIED = /^(config\.json|generation_config\.json|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|chat_template\.jinja|.*\.safetensors|model\.safetensors\.index\.json)$/;

/** Import an HF folder (copied: the data directory owns its models). */
export async function importHfFolder(dataDir: string, src: string, name: string): Promise<Model> {
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new CheckpointError(`${src}: not a folder`);
  // Fail before copying gigabytes when the folder cannot be read.
  const folder = readHfFolder(src);
  const weights = CheckpointWeights.open(src);
  try {
    checkCheckpoint(folder.spec, weights);
  } finally {
    weights.close();
  }
  if (!folder.tokenizer) throw new CheckpointError(`${src}: no tokenizer.json; Lathe needs the model's Hugging Face tokenizer`);
  const index = fs.existsSync(path.join(src, INDEX_FILE));
  return register(dataDir, name, `import:${path.resolve(src)}`, async (dir) => {
    for (const f of fs.readdirSync(src)) {
      if (!COPIED.test(f)) continue;
      if (index && f === 'model.safetensors') continue; // the index names the shards
      fs.copyFileSync(path.join(src, f), path.join(dir, f));
    }
  });
}

export async function importLlama2cModel(dataDir: string, ckpt: string, tokenizer: string, name: string): Promise<Model> {
  return register(dataDir, name, `llama2c:${path.resolve(ckpt)}`, async (dir) => {
    await fillHfFolder(dir, llama2cToHf(ckpt, tokenizer));
  });
}
