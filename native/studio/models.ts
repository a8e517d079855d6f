// Studio API handlers for models (schemas in native/api/models.ts): the list, the model card of the Select
// page (models/card.ts), imports, deletion and Hub downloads. Imports and downloads are jobs ('model-import',
// 'gguf-import', 'model-download'): the handler checks what it can answer at once (the paths exist, the name is free) and
// enqueues the work, so a multi-GB copy never blocks the studio's process.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import type { GgufImportParams, modelMethods } from '../api/models.ts';
import type { Model } from '../api/schemas.ts';
import { modelCard } from '../models/card.ts';
import { Llama2cHeaderError, readLlama2cHeaderOf, type Llama2cHeaderProblem } from '../models/llama2c.ts';
import type { ModelImportParams } from '../models/import.ts';
import { modelFolderProblem, type OtherImports } from '../models/import-hints.ts';
import { generationService } from './generate-service.ts';
import { modelBusy } from './deletion.ts';
import type { HandlerContext, HandlersFor } from './context.ts';
import { noSuchPath } from '../store/near-files.ts';

type ModelHandlers = HandlersFor<Pick<typeof modelMethods, Extract<keyof typeof modelMethods, `models.${string}`>>>;

/** The other imports as the app offers them (the Select page's Add a model), for the hint on a folder that is not a model's. */
const IMPORT_CHOICES: OtherImports = {
  gguf: (file) => `under Add a model › GGUF file, with the path ${file}`,
  llama2c: (checkpoint, tokenizer) => `under Add a model › llama2.c checkpoint, with the checkpoint ${checkpoint} and ${tokenizer ? `the tokenizer ${tokenizer}` : 'its tokenizer (tokenizer.bin or tok512.bin)'}`,
};

function requireFile(file: string, field: string, what: string): string {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new StudioError('invalid_params', `${file}: ${noSuchPath(file, { of: `the ${what}` })}`, { field, file });
  if (fs.statSync(resolved).isDirectory()) throw new StudioError('invalid_params', `${file}: a folder; give the full path of the ${what}`, { field, file });
  return resolved;
}

/**
 * Why a file is no llama2.c checkpoint, as the form says it under Checkpoint path: the engine's message names the CLI's
 * --tokenizer flag; here the tokenizer has a field of its own.
 */
export function llama2cHeaderWords(problem: Llama2cHeaderProblem): string {
  if (problem.kind === 'short') return `This file has only ${problem.bytes} bytes: a llama2.c checkpoint starts with a 28-byte header.`;
  if (problem.kind === 'attention') return `This file’s header describes no Llama model (dim ${problem.dim}, ${problem.nHeads} heads, ${problem.nKvHeads} key/value heads): is it a llama2.c checkpoint?`;
  return `This file is not a llama2.c checkpoint: its header gives ${problem.headerField} = ${problem.value}, which no model has. A tokenizer (tok512.bin, tokenizer.bin) goes under Tokenizer path, the model file (stories260K.bin…) here; a legacy (version 0) llama2.c file cannot be read either.`;
}

/** The checkpoint's header, checked before the import is queued: a file that is none is refused on its field. */
function requireLlama2cHeader(checkpoint: string, given: string): void {
  try {
    readLlama2cHeaderOf(checkpoint, given);
  } catch (err) {
    if (err instanceof Llama2cHeaderError) throw new StudioError('invalid_params', llama2cHeaderWords(err.problem), { field: 'checkpoint', file: given, ...err.problem });
    throw err;
  }
}

/**
 * Whether deleting `model` removes its folder: only one inside the data directory (an import's copy, a trained,
 * merged or quantised model) is the studio's; a folder registered where it lay elsewhere is the person's, and stays.
 */
export function modelFolderIsOurs(dataDir: string, model: Model): boolean {
  const rel = path.relative(path.resolve(dataDir), path.resolve(model.path));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Delete the model `id` (unloaded first), its row and, when it lies in the data directory, its folder; whether it
 * was there. The models made from it stay: a quantised or merged model is a copy in its own folder.
 */
export function deleteModel(ctx: HandlerContext, id: string): boolean {
  const model = ctx.store.models.get(id);
  if (!model) return false;
  generationService(ctx.store, ctx.dataDir).evict(model);
  // Row first, then files: a crash in between leaves an orphan folder, never a row without its folder.
  const deleted = ctx.store.models.delete(id);
  if (deleted && modelFolderIsOurs(ctx.dataDir, model)) fs.rmSync(model.path, { recursive: true, force: true });
  return deleted;
}

export const modelHandlers: ModelHandlers = {
  'models.list': ({ kind }, _raw, { store }) => store.models.list().filter((m) => kind === undefined || m.kind === kind),
  'models.get': ({ id }, _raw, ctx) => modelCard(ctx.store.models.find(id, 'id')),
  'models.importFolder': ({ path: dir, name }, _raw, ctx) => {
    const resolved = path.resolve(dir);
    // the CLI's check and hint (models/import-hints.ts), naming this app's imports where it names its commands
    const problem = modelFolderProblem(resolved, IMPORT_CHOICES); // full paths: the hint is pasted into another form
    if (problem) throw new StudioError('invalid_params', problem, { field: 'path', file: dir });
    ctx.store.models.requireFreeName(name);
    return ctx.queue.enqueue('model-import', { source: 'folder', path: resolved, name } satisfies ModelImportParams);
  },
  'models.importLlama2c': ({ checkpoint, tokenizer, name }, _raw, ctx) => {
    const ckpt = requireFile(checkpoint, 'checkpoint', 'llama2.c checkpoint (.bin)');
    const tok = requireFile(tokenizer, 'tokenizer', 'llama2.c tokenizer (tokenizer.bin or tok512.bin)');
    requireLlama2cHeader(ckpt, checkpoint);
    ctx.store.models.requireFreeName(name);
    return ctx.queue.enqueue('model-import', { source: 'llama2c', checkpoint: ckpt, tokenizer: tok, name } satisfies ModelImportParams);
  },
  'models.importGguf': ({ path: file, name }, _raw, ctx) => {
    // The file's contents are the job's to check (deploy/gguf-read.ts names what is wrong and where).
    const resolved = requireFile(file, 'path', 'GGUF file (.gguf, or an Ollama blob)');
    ctx.store.models.requireFreeName(name);
    return ctx.queue.enqueue('gguf-import', { path: resolved, name } satisfies GgufImportParams);
  },
  'models.delete': ({ id }, _raw, ctx) => {
    const model = ctx.store.models.get(id);
    const busy = model && modelBusy(ctx.store, model);
    if (busy) throw new StudioError('conflict', `model ${model.name} (${model.id}) cannot be deleted now: ${busy}`, { field: 'id' });
    return { deleted: deleteModel(ctx, id) };
  },
  'models.download': (p, _raw, ctx) => {
    const name = p.name ?? p.repo.split('/')[1];
    ctx.store.models.requireFreeName(name);
    return ctx.queue.enqueue('model-download', { ...p, name });
  },
};
