// Studio API handlers for models (schemas in native/api/models.ts): the list, the model card of the Select
// page, imports, deletion and Hub downloads. Imports are direct calls that run in the studio's process: a
// llama2.c checkpoint of a few MB converts in milliseconds and a folder import is a copy, but a multi-GB folder
// blocks the server while it copies (a job would not; see the report). Downloads are jobs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { StudioError } from '../api/errors.ts';
import type { ModelCard, modelMethods } from '../api/models.ts';
import type { Model } from '../api/schemas.ts';
import { registerJobKind } from '../jobs/kinds.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { memoryEstimates, parameterCounts } from '../models/params.ts';
import { importHfFolder, importLlama2cModel } from '../models/registry.ts';
import { CheckpointError } from '../models/safetensors.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { generationService } from './generate-service.ts';
import type { HandlerContext } from './handlers.ts';

registerJobKind('model-download', fileURLToPath(new URL('./models-download.ts', import.meta.url)), 'Download a model from the Hugging Face Hub');

type ModelMethod = Extract<keyof typeof modelMethods, `models.${string}`>;
type ModelHandlers = { [M in ModelMethod]: (params: z.output<(typeof modelMethods)[M]['params']>, raw: unknown, ctx: HandlerContext) => z.infer<(typeof modelMethods)[M]['result']> | Promise<z.infer<(typeof modelMethods)[M]['result']>> };

export const LORA_RANK = 8;

/** A model by id (or name), or a not_found error listing what exists. */
export function modelById(ctx: HandlerContext, id: string, field = 'id'): Model {
  const models = ctx.store.models.list();
  const model = models.find((m) => m.id === id) ?? models.find((m) => m.name === id);
  if (!model) throw new StudioError('not_found', `no model '${id}' (models: ${models.map((m) => m.name).join(', ') || 'none yet — import one on the Select page'})`, { field });
  return model;
}

/** Each hyperparameter in the product's words: what the number controls and what it costs. */
export function hyperparameters(s: ModelSpec): ModelCard['hyperparameters'] {
  const rows: ModelCard['hyperparameters'] = [
    { key: 'num_layers', label: 'Layers', value: s.numLayers, meaning: 'Transformer blocks stacked on top of each other; each one lets every token look at the others (attention) and then think alone (MLP).' },
    { key: 'num_heads', label: 'Attention heads', value: s.numHeads, meaning: `Parallel attention patterns per layer, each reading its own ${s.headDim}-number slice of the token's vector.` },
    {
      key: 'num_kv_heads', label: 'Key/value heads', value: s.numKvHeads,
      meaning: s.numKvHeads < s.numHeads ? `Grouped-query attention: ${s.numHeads / s.numKvHeads} query heads share each key/value head, which shrinks the memory kept per generated token.` : 'One key/value head per query head (classic multi-head attention).',
    },
    { key: 'hidden_size', label: 'Hidden size', value: s.hiddenSize, meaning: 'Length of the vector that represents each token as it flows through the model; wider means more capacity and more compute.' },
    { key: 'intermediate_size', label: 'MLP width', value: s.intermediateSize, meaning: s.family === 'llama' ? 'Inner width of each block’s feed-forward network (SwiGLU), where most per-token computation happens.' : 'Inner width of each block’s feed-forward network (GELU).' },
    { key: 'max_positions', label: 'Context length', value: s.maxPositions, meaning: 'The most tokens (prompt plus answer) the model was built to read at once.' },
    { key: 'vocab_size', label: 'Vocabulary', value: s.vocabSize, meaning: 'How many distinct tokens the tokenizer can produce; every step picks the next one among them.' },
    { key: 'tie_word_embeddings', label: 'Tied embeddings', value: s.tieWordEmbeddings ? 'yes' : 'no', meaning: s.tieWordEmbeddings ? 'The output layer reuses the input embedding matrix, saving vocabulary × hidden parameters.' : 'The output layer has its own matrix, separate from the input embeddings.' },
  ];
  if (s.rope) rows.push({ key: 'rope_theta', label: 'RoPE base', value: s.rope.theta, meaning: `Rotary position encoding: word order is written into attention by rotating queries and keys${s.rope.scaling ? ` (${s.rope.scaling.type} scaling ×${s.rope.scaling.factor} stretches the context)` : ''}.` });
  else rows.push({ key: 'positions', label: 'Positions', value: 'learned', meaning: 'A learned vector per position is added to each token, so the context cannot grow past it.' });
  if (s.slidingWindow) rows.push({ key: 'sliding_window', label: 'Sliding window', value: s.slidingWindow, meaning: 'Each token attends to at most this many previous tokens.' });
  return rows;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) if (f.isFile()) total += fs.statSync(path.join(dir, f.name)).size;
  return total;
}

export function modelCard(model: Model): ModelCard {
  if (!fs.existsSync(model.path)) throw new StudioError('not_found', `model ${model.name}: its folder ${model.path} is missing; delete the model and import it again`, { file: model.path });
  const folder = readHfFolder(model.path);
  const spec = folder.spec;
  const counts = parameterCounts(spec);
  const memory = memoryEstimates(spec, LORA_RANK);
  let tokenizer: ModelCard['tokenizer'] = { vocabSize: spec.vocabSize, hasChatTemplate: false, bosToken: null, eosToken: null };
  try {
    const tok = TextTokenizer.fromFolder(model.path);
    tokenizer = { vocabSize: tok.vocabSize, hasChatTemplate: tok.chatTemplate !== null, bosToken: tok.bosToken, eosToken: tok.eosToken };
  } catch {
    // a model without tokenizer.json still has a card; generation will say what is missing
  }
  return { model, family: spec.family, parameters: counts, hyperparameters: hyperparameters(spec), memory: { ...memory, loraRank: LORA_RANK }, tokenizer, diskBytes: folderBytes(model.path) };
}

/** Importers throw plain Errors for the user's mistakes; give them the API's shape. */
async function asUserError<T>(fn: () => Promise<T>, field: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StudioError) throw err;
    const message = (err as Error).message;
    if (err instanceof CheckpointError || /already exists|non-empty|not a folder|no such file|ENOENT|cannot open/i.test(message)) {
      throw new StudioError(/already exists/.test(message) ? 'conflict' : 'invalid_params', message.replace(/--name/g, 'name'), { field: /already exists|non-empty/.test(message) ? 'name' : field });
    }
    throw err;
  }
}

function requireFile(file: string, field: string, what: string): string {
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new StudioError('invalid_params', `${file}: no such file; give the full path of the ${what}`, { field, file });
  return resolved;
}

export const modelHandlers: ModelHandlers = {
  'models.list': (_p, _raw, { store }) => store.models.list(),
  'models.get': ({ id }, _raw, ctx) => modelCard(modelById(ctx, id)),
  'models.importFolder': ({ path: dir, name }, _raw, { dataDir }) => {
    const resolved = path.resolve(dir);
    if (!fs.existsSync(resolved) || !fs.statSync(resolved).isDirectory()) throw new StudioError('invalid_params', `${dir}: no such folder; give the folder that holds config.json, the .safetensors weights and tokenizer.json`, { field: 'path', file: dir });
    return asUserError(() => importHfFolder(dataDir, resolved, name), 'path');
  },
  'models.importLlama2c': ({ checkpoint, tokenizer, name }, _raw, { dataDir }) => {
    const ckpt = requireFile(checkpoint, 'checkpoint', 'llama2.c checkpoint (.bin)');
    const tok = requireFile(tokenizer, 'tokenizer', 'llama2.c tokenizer (tokenizer.bin or tok512.bin)');
    return asUserError(() => importLlama2cModel(dataDir, ckpt, tok, name), 'checkpoint');
  },
  'models.delete': ({ id }, _raw, ctx) => {
    const model = ctx.store.models.get(id);
    if (!model) return { deleted: false };
    generationService(ctx.store, ctx.dataDir).evict(model);
    // Row first, then files: a crash in between leaves an orphan folder, never a row without its folder.
    const deleted = ctx.store.models.delete(id);
    if (deleted && path.resolve(model.path).startsWith(path.resolve(ctx.dataDir))) fs.rmSync(model.path, { recursive: true, force: true });
    return { deleted };
  },
  'models.download': (p, _raw, { store, queue }) => {
    const name = p.name ?? p.repo.split('/')[1];
    if (store.models.list().some((m) => m.name === name)) throw new StudioError('conflict', `a model named '${name}' already exists; choose another name`, { field: 'name' });
    return queue.enqueue('model-download', { ...p, name });
  },
};
