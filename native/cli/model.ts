// `lathe model import|import-llama2c|inspect|list|delete`: bring checkpoints into the data directory as Hugging Face
// folders (in the foreground, through the same code as the studio's 'model-import' job, with a progress line
// on stderr), explain what a model is made of (the studio's model card, rendered as text) and delete one (the
// studio's models.delete, as the model card's Delete does).
import { CheckpointError, StudioError } from '../api/errors.ts';
import type { Model } from '../api/schemas.ts';
import type { ImportOptions } from '../models/import.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { formatTable } from './table.ts';
import { formatValue, humanBytes, humanCount, plural } from '../api/format.ts';
import { cancelOnSignals } from './cancel.ts';
import { callStudio } from './studio-call.ts';
import { modelCollectionsNote } from '../api/deletion.ts';

/** Checkpoint problems are the user's to fix: report them without a stack trace. */
export async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CheckpointError || err instanceof StudioError || (err instanceof Error && /no model named/.test(err.message))) throw new UserError(err.message);
    throw err;
  }
}

/** Progress on stderr: rewritten in place on a terminal, a line a second otherwise. */
export function progressLine(ctx: CliContext): ImportOptions {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    progressIntervalMs: tty ? 200 : 1000,
    onProgress: (p) => {
      const line = `${Math.round(p.fraction * 100)}% ${p.message}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (Date.now() - last >= 1000 || p.fraction >= 0.99) {
        last = Date.now();
        ctx.info(line);
      }
    },
  };
}

/**
 * Run an import (a model folder, a llama2.c checkpoint, a GGUF file) in the foreground. Ctrl-C or SIGTERM cancels it
 * through the import's signal, which removes its working folder in the data directory and records nothing, as
 * `lathe dataset import` does: without this the process died at once and left a partial copy (gigabytes, for a big
 * model) under models/ until the next import swept it.
 */
export async function importInForeground(ctx: CliContext, run: (opts: ImportOptions) => Promise<Model>): Promise<void> {
  let model: Model;
  const cancel = cancelOnSignals();
  try {
    model = await userErrors(() => run({ ...progressLine(ctx), signal: cancel.signal }));
  } catch (err) {
    if (cancel.signal.aborted) throw new UserError('import cancelled; nothing was imported.', cancel.exitCode);
    throw err;
  } finally {
    cancel.release();
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }
  const use = model.kind === 'encoder' ? `\n  an embedding model: use it with 'lathe docs create COLLECTION --embed-model ${model.name}'` : '';
  ctx.print(model, () => `imported ${model.name} (${model.id}): ${model.architecture} (${KIND_LABEL[model.kind]}), ${humanCount(model.parameterCount)} parameters\n  ${model.path}${use}`);
}

/** How `lathe model list` names a model's kind. */
const KIND_LABEL: Record<Model['kind'], string> = { decoder: 'generate', encoder: 'embed' };

const DELETE_USAGE = 'lathe model delete MODEL [--json]';

/** The models quantised or merged from `model` (SOURCE 'quantize:<id>:…' or 'merge:<id>:…'). */
function madeFrom(model: Model, models: readonly Model[]): Model[] {
  return models.filter((m) => m.source.startsWith(`quantize:${model.id}:`) || m.source.startsWith(`merge:${model.id}:`));
}

function requireName(values: Record<string, unknown>, usage: string): string {
  const name = values.name as string | undefined;
  if (!name) throw new UserError(`--name N is required.\nUsage: ${usage}`);
  return name;
}

export const commands: CliCommand[] = [
  {
    path: ['model', 'import'],
    summary: 'Import a Hugging Face model folder (config.json, safetensors, tokenizer.json)',
    usage: 'lathe model import DIR --name N',
    help: { name: 'name for the model (required; unique)' },
    options: { name: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }, ctx) {
      const usage = 'lathe model import DIR --name N';
      if (positionals.length !== 1) throw new UserError(`expected one folder.\nUsage: ${usage}`);
      const name = requireName(values, usage);
      const { importModelFolder } = await import('../models/import.ts');
      await importInForeground(ctx, (opts) => importModelFolder(ctx.dataDir, positionals[0], name, opts));
    },
  },
  {
    path: ['model', 'import-llama2c'],
    summary: "Convert a llama2.c checkpoint and tokenizer into a Hugging Face folder and import it",
    usage: 'lathe model import-llama2c CKPT.bin --tokenizer TOK.bin --name N',
    help: { name: 'name for the model (required; unique)', tokenizer: "the checkpoint's llama2.c tokenizer file, e.g. tok512.bin (required)" },
    options: { name: { type: 'string' }, tokenizer: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }, ctx) {
      const usage = 'lathe model import-llama2c CKPT.bin --tokenizer TOK.bin --name N';
      if (positionals.length !== 1) throw new UserError(`expected one checkpoint file.\nUsage: ${usage}`);
      const tok = values.tokenizer as string | undefined;
      if (!tok) throw new UserError(`--tokenizer TOK.bin is required.\nUsage: ${usage}`);
      const name = requireName(values, usage);
      const { importLlama2cCheckpoint } = await import('../models/import.ts');
      await importInForeground(ctx, (opts) => importLlama2cCheckpoint(ctx.dataDir, positionals[0], tok, name, opts));
    },
  },
  {
    path: ['model', 'list'],
    summary: 'List the models in the data directory',
    usage: 'lathe model list',
    async run(_args, ctx) {
      const [{ listModels }, { weightFormat, weightFormatShort }] = await Promise.all([import('../models/registry.ts'), import('../models/weight-format.ts')]);
      // how each stores its weights: a q4 ONNX variant read like its fp32 source, only SOURCE 'quantize:…:q4' hinting
      const models = listModels(ctx.dataDir).map((m) => ({ ...m, weights: weightFormat(m) }));
      ctx.print(models, () =>
        models.length === 0
          ? "no models yet: import one with 'lathe model import FOLDER', 'lathe model import-llama2c' or 'lathe model import-gguf', or train one with 'lathe pretrain'"
          : formatTable(['ID', 'NAME', 'USE', 'ARCHITECTURE', 'PARAMETERS', 'WEIGHTS', 'SOURCE'], models.map((m) => [m.id, m.name, KIND_LABEL[m.kind], m.architecture, humanCount(m.parameterCount), weightFormatShort(m.weights), m.source]), 160),
      );
    },
  },
  {
    path: ['model', 'delete'],
    summary: "Delete a model: its record and its folder under models/ (one registered elsewhere stays on disk); runs that used it and models quantised or merged from it stay; refused while a job or another lathe command (generate, quantize, serve-api …) uses it",
    usage: DELETE_USAGE,
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give one model (its name or id).\nUsage: ${DELETE_USAGE}`);
      const [{ findModel, listModels }, { modelFolderIsOurs }] = await Promise.all([import('../models/registry.ts'), import('../studio/models.ts')]);
      const model = await userErrors(async () => findModel(ctx.dataDir, positionals[0]));
      const derived = madeFrom(model, listModels(ctx.dataDir));
      const folderDeleted = modelFolderIsOurs(ctx.dataDir, model);
      const collections = (await callStudio(ctx, 'collections.list', {})).filter((c) => c.embedModelId === model.id);
      const result = await callStudio(ctx, 'models.delete', { id: model.id });
      const kept = { models: derived.map((m) => ({ id: m.id, name: m.name })), collections: collections.map((c) => ({ id: c.id, name: c.name })) };
      ctx.print({ ...result, folder: { path: model.path, deleted: folderDeleted }, kept }, () => {
        const folder = folderDeleted ? ` and its folder ${model.path}` : `; its folder ${model.path} lies outside the data directory and stays`;
        const made = derived.length === 0 ? '' : ` ${derived.map((m) => m.name).join(', ')} ${derived.length === 1 ? 'was' : 'were'} made from it and ${derived.length === 1 ? 'stays' : 'stay'}: each is a copy in its own folder.`;
        const embeds = modelCollectionsNote(collections.map((c) => c.name));
        return `Deleted model ${model.name} (${model.id})${folder}. Runs that used it stay, with their scores.${made}${embeds ? ` ${embeds}` : ''}`;
      });
    },
  },
  {
    path: ['model', 'inspect'],
    summary: 'Architecture, parameters by component, hyperparameters and memory estimates of a model',
    usage: 'lathe model inspect NAME',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('expected one model name.\nUsage: lathe model inspect NAME');
      const [{ findModel, variantSourceName }, { modelCard }, { weightFormat, weightFormatLine }] = await Promise.all([import('../models/registry.ts'), import('../models/card.ts'), import('../models/weight-format.ts')]);
      const model = await userErrors(async () => findModel(ctx.dataDir, positionals[0]));
      const card = await userErrors(async () => modelCard(model));
      const weights = weightFormat(model);
      const { parameters: params, memory, onnx } = card;
      ctx.print({ ...card, weights }, () => {
        const pct = (n: number) => `${((100 * n) / params.total).toFixed(1)}%`;
        const lines = [`${model.name} (${model.id}) — ${model.architecture}, ${humanCount(params.total)} parameters`, `weights: ${weightFormatLine(weights)}`, '', 'Parameters by component:'];
        // a variant holds the same parameters as its source (config.json's shape), each stored in fewer bits
        if (onnx) lines[lines.length - 1] = `Parameters by component (as in the model it was made from; stored as ${onnx.dtype}):`;
        for (const k of ['embeddings', 'attention', 'mlp', 'norms', 'head'] as const) {
          if (params[k]) lines.push(`  ${k.padEnd(11)} ${humanCount(params[k]).padStart(9)}  ${pct(params[k]).padStart(6)}`);
        }
        lines.push('', 'Hyperparameters:');
        const width = Math.max(...card.hyperparameters.map((h) => h.label.length));
        for (const h of card.hyperparameters) lines.push(`  ${h.label.padEnd(width)}  ${formatValue(h.value).padEnd(8)} ${h.meaning}`);
        if (onnx) {
          const source = variantSourceName(ctx.dataDir, model);
          const width = 42;
          lines.push('', 'Memory to run it (activations not included):');
          lines.push(`  ${`weights (${onnx.file}, ${onnx.dtype})`.padEnd(width)} ${humanBytes(onnx.weightBytes).padStart(10)}`);
          lines.push(`  ${`KV cache (${plural(onnx.kvCacheTokens, 'token')}, fp32)`.padEnd(width)} ${humanBytes(onnx.kvCacheBytes).padStart(10)}`);
          lines.push(`  ${'inference'.padEnd(width)} ${humanBytes(onnx.inferenceBytes).padStart(10)}`);
          const from = source ? `the model it was made from, ${source} (lathe model inspect ${source} shows their memory)` : 'the model it was made from';
          lines.push('', `Training and merging start from ${from}: this ONNX graph runs (generate, eval, serve-api) but cannot be trained.`);
          return lines.join('\n');
        }
        if (!memory) {
          const e = card.embedding!;
          lines.push('', `Embedding model: ${e.dim}-dimensional vectors, ${e.pooling} pooling, normalised; inputs up to ${plural(e.maxTokens, 'token')}`);
          if (e.prompts.query || e.prompts.document) lines.push(`  prompts: query ${JSON.stringify(e.prompts.query)}, document ${JSON.stringify(e.prompts.document)}`);
          lines.push(`  use it for a collection: lathe docs create COLLECTION --embed-model ${model.name}`);
          return lines.join('\n');
        }
        lines.push('', 'Memory (weights and states; activations not included):', `  ${''.padEnd(42)} ${'fp32'.padStart(10)} ${'fp16'.padStart(10)}`);
        const row = (label: string, m: { fp32: number; fp16: number }) => lines.push(`  ${label.padEnd(42)} ${humanBytes(m.fp32).padStart(10)} ${humanBytes(m.fp16).padStart(10)}`);
        row(`inference (+KV cache, ${plural(memory.kvCacheTokens, 'token')})`, memory.inference);
        row('full fine-tuning (Adam)', memory.fullFineTune);
        row(`LoRA r=${memory.loraRank} on ${memory.loraTargets.join(',')} (${humanCount(memory.loraParameters)} trainable)`, memory.lora);
        return lines.join('\n');
      });
    },
  },
];
