// `lathe merge` and `lathe quantize`: a LoRA adapter folded into its base (a new model, or a folder), and a model
// quantised for onnxruntime (each variant registered as a model that generate, eval and serve-api run), with an
// optional report of what each variant costs and keeps beside fp32. Foreground, progress on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { MERGE_DTYPES, quantizedModelName, type MergeDtype } from '../api/deploy.ts';
import { humanBytes, plural } from '../api/format.ts';
import type { Model } from '../api/schemas.ts';
import type { ReportRow } from '../deploy/quantize-report.ts';
import { dataDirOutputProblem } from '../models/atomic.ts';
import { ONNX_DTYPES, ONNX_VARIANTS, type OnnxDtype } from '../models/onnx-variants.ts';
import { openStore } from '../store/db.ts';
import { notPlainTextReason } from '../text/plain-text.ts';
import { cancelOnSignals } from './cancel.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { progressLine, userErrors } from './model.ts';
import { choiceFlagError, numberFlag, THREADS_RANGE } from './options.ts';
import { checkOutputFolder, firstMissingFolder, writingOutput } from './output-file.ts';
import { readFlagFile, requireAdapterFolder } from './file-errors.ts';

const MERGE_USAGE = `lathe merge (--run RUN | --model BASE --adapter DIR) (--name N | --out DIR) [--dtype ${MERGE_DTYPES.join('|')}]`;
const QUANT_DTYPES = ONNX_DTYPES.filter((d) => d !== 'fp32');
const QUANTIZE_USAGE = `lathe quantize --model NAME [--dtype ${QUANT_DTYPES.join(',')}] [--name N] [--accuracy-level 0-4] [--no-embeddings] [--report --text FILE [--threads N]]`;

/** A comma-separated list of allowed values, each named in the error when wrong. */
export function dtypeList<T extends string>(raw: string, allowed: readonly T[], usage: string): T[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((d) => !(allowed as readonly string[]).includes(d));
  if (bad !== undefined || !list.length) throw choiceFlagError('dtype', bad ?? raw, allowed, usage);
  return [...new Set(list)] as T[];
}

export function accuracyLevel(values: Record<string, unknown>, usage: string): 0 | 1 | 2 | 3 | 4 | undefined {
  const n = numberFlag(values, 'accuracy-level', usage, { min: 0, max: 4, note: "MatMulNBits' accuracy_level" });
  return n as 0 | 1 | 2 | 3 | 4 | undefined;
}

/** The base model and adapter folder of a finished LoRA run (the Integrate page's merge by run, from the CLI). */
async function adapterOfRun(ctx: CliContext, runId: string) {
  const { resolveAdapterRun } = await import('../studio/deploy-artifacts.ts');
  return userErrors(async () => {
    const store = openStore(ctx.dataDir);
    try {
      return resolveAdapterRun(store, runId);
    } finally {
      store.close();
    }
  });
}

/** Every model name quantize will register, checked before the first variant is built (none is left half-done). */
async function requireFreeTargets(ctx: CliContext, targets: readonly string[]): Promise<void> {
  await userErrors(async () => {
    const store = openStore(ctx.dataDir);
    try {
      store.models.requireFreeNames(targets, (them) => `quantise one dtype at a time with --dtype D --name NEW, leave out the dtypes already made, or delete ${them} first ('lathe model delete NAME', or Delete on its card on the Select page)`);
    } finally {
      store.close();
    }
  });
}

/**
 * The report's held-out text (its last 20,000 characters), read and checked before any variant is built, so that a
 * folder, a missing or a binary file is refused with no model registered.
 */
function heldOutText(file: string): string {
  const where = path.resolve(file);
  const bytes = readFlagFile('text', where, 'a text file');
  const binary = notPlainTextReason(bytes);
  if (binary) throw new UserError(`--text ${where} is not plain text: ${binary}`);
  return bytes.toString('utf8').slice(-20_000);
}

/** Run `fn` with a progress line on stderr, cleared after. */
export async function withProgress<T>(ctx: CliContext, fn: (onProgress: (p: { fraction: number; message: string }) => void) => Promise<T>): Promise<T> {
  const { onProgress } = progressLine(ctx);
  try {
    return await userErrors(() => fn((p) => onProgress?.({ ...p, bytesDone: 0, bytesTotal: 0 })));
  } finally {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  }
}

/**
 * Run a deploy command's work (`lathe export`, `merge`, `quantize`) so that Ctrl-C or SIGTERM cancels it through its
 * signal (cli/cancel.ts): the writer stops within a tensor, removes its temporary output (beside --out, or under
 * models/) and leaves the destination as it was; `undo` then removes what the command had already finished, and the
 * command exits 130 or 143 with `cancelled()` as its one line. Without this a signal ended the process where it
 * stood and its temporary stayed until a later run there swept it.
 */
export async function cancellable<T>(cancelled: () => string, work: (signal: AbortSignal) => Promise<T>, undo?: () => void): Promise<T> {
  const cancel = cancelOnSignals(); // acknowledged at once: the writer stops only at its next tensor
  try {
    return await work(cancel.signal);
  } catch (err) {
    if (!cancel.signal.aborted) throw err;
    undo?.();
    throw new UserError(cancelled(), cancel.exitCode);
  } finally {
    cancel.release();
  }
}

/** What a cancelled export or merge says of its destination. */
export function untouched(verb: string, out: string): () => string {
  const existed = fs.existsSync(out);
  return () => `${verb} cancelled; ${existed ? `${out} is as it was` : `nothing was written to ${out}`}.`;
}

export const commands: CliCommand[] = [
  {
    path: ['merge'],
    modelFlags: ['model'],
    summary: 'Fold a PEFT LoRA adapter into its base model: a new model, or a Hugging Face folder',
    usage: MERGE_USAGE,
    help: {
      run: "a finished LoRA run (fine-tune, DPO, PPO) by id: its adapter onto its base ('lathe runs list' shows the ids); or give --model and --adapter",
      model: 'the base model the adapter was trained on, by name or id (with --adapter)',
      adapter: 'the PEFT adapter folder (adapter_config.json + adapter_model.safetensors), from Lathe or elsewhere (with --model)',
      name: 'register the merged model under this name (one of --name or --out)',
      out: 'write the merged Hugging Face folder here instead; an earlier export there is replaced whole, a folder holding other files, or a path in the data directory, is refused; missing folders on the way are created, and named on stderr',
      dtype: `weights in the written safetensors: ${MERGE_DTYPES.join(', ')} (default fp32); tokenizer, chat template, special tokens and generation config are copied from the base`,
    },
    options: { run: { type: 'string' }, model: { type: 'string' }, adapter: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string' } },
    async run({ values }, ctx) {
      const runId = values.run as string | undefined;
      const base = values.model as string | undefined;
      if (runId && (base || values.adapter)) throw new UserError(`give --run (a finished LoRA run) or --model with --adapter (an adapter folder), not both.\nUsage: ${MERGE_USAGE}`);
      if (!runId && (!base || !values.adapter)) throw new UserError(`give --run RUN, or --model and --adapter.\nUsage: ${MERGE_USAGE}`);
      const name = values.name as string | undefined;
      const out = values.out as string | undefined;
      if (Boolean(name) === Boolean(out)) throw new UserError(`give exactly one of --name (register a model) or --out (write a folder).\nUsage: ${MERGE_USAGE}`);
      const dtype = dtypeList<MergeDtype>((values.dtype as string | undefined) ?? 'fp32', MERGE_DTYPES, MERGE_USAGE);
      if (dtype.length !== 1) throw new UserError(`--dtype takes one of ${MERGE_DTYPES.join(', ')} for a merge.\nUsage: ${MERGE_USAGE}`);
      if (out) {
        const inDataDir = dataDirOutputProblem(out, ctx.dataDir);
        if (inDataDir) throw new UserError(`--out ${out}: ${inDataDir}`);
        checkOutputFolder('out', out);
      }
      const createdFolder = out ? firstMissingFolder(out) : null; // said once the folder is written, removed if it is not
      if (!runId) await requireAdapterFolder('adapter', values.adapter as string); // before the store is opened to find the model
      const [{ findDecoder }, { mergeAsModel, mergeToFolder }] = await Promise.all([import('../models/registry.ts'), import('../deploy/merge-model.ts')]);
      const fromRun = runId ? await adapterOfRun(ctx, runId) : null;
      const model = fromRun ? fromRun.base : await userErrors(async () => findDecoder(ctx.dataDir, base!, 'take a LoRA adapter (Lathe fine-tunes text-generation models only)'));
      const adapter = fromRun ? fromRun.adapterDir : (values.adapter as string);
      if (out) {
        const r = await writingOutput(ctx, 'out', out, createdFolder, () => cancellable(untouched('merge', path.resolve(out)), (signal) => withProgress(ctx, async (onProgress) => {
          onProgress({ fraction: 0.1, message: `merging ${adapter} into ${model.name}` });
          return mergeToFolder(model.path, adapter, out, dtype[0], signal);
        })));
        ctx.print({ base: model.name, adapter: path.resolve(adapter), dtype: dtype[0], ...r }, () => `merged ${adapter} into ${model.name} (${dtype[0]}): ${humanBytes(r.bytes)}\n  ${r.dir}`);
        return;
      }
      const merged = await cancellable(() => 'merge cancelled; no model was added.',
        (signal) => withProgress(ctx, (onProgress) => mergeAsModel(ctx.dataDir, model, adapter, name!, dtype[0], { signal, onProgress: (p) => onProgress(p) })));
      ctx.print(merged, () => `merged ${adapter} into ${model.name} (${dtype[0]}) as the model ${merged.name} (${merged.id})\n  ${merged.path}`);
    },
  },
  {
    path: ['quantize'],
    modelFlags: ['model'],
    summary: 'Quantise a model for onnxruntime (int4/int8 blocks, int8 dynamic, fp16) and register each variant as a model',
    usage: QUANTIZE_USAGE,
    help: {
      model: 'the model to quantise, by name or id (required; one with safetensors weights)',
      dtype: `comma-separated variants: ${QUANT_DTYPES.map((d) => `${d} (${ONNX_VARIANTS[d].summary})`).join('; ')} (default q4)`,
      name: 'name of the new model (default <model>-<dtype>; only with one --dtype)',
      'accuracy-level': "MatMulNBits' accuracy_level for q4/int8: 0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations (default 4, fastest on CPU)",
      'no-embeddings': 'keep the embedding table in float32 (default: q4/int8/q8 quantise it too, with GatherBlockQuantized)',
      report: 'also measure each variant beside fp32: file size, peak memory, prefill/decode tokens/s, perplexity, greedy agreement',
      text: 'held-out text file for the report (perplexity, prefill prompt); its last 20,000 characters are used (required with --report)',
      threads: 'onnxruntime threads for the report (default 1)',
    },
    options: {
      model: { type: 'string' }, dtype: { type: 'string' }, name: { type: 'string' }, 'accuracy-level': { type: 'string' },
      'no-embeddings': { type: 'boolean' }, report: { type: 'boolean' }, text: { type: 'string' }, threads: { type: 'string' },
    },
    async run({ values }, ctx) {
      const name = values.model as string | undefined;
      if (!name) throw new UserError(`--model NAME is required.\nUsage: ${QUANTIZE_USAGE}`);
      const dtypes = dtypeList<OnnxDtype>((values.dtype as string | undefined) ?? 'q4', QUANT_DTYPES, QUANTIZE_USAGE);
      if (values.name && dtypes.length > 1) throw new UserError(`--name names one model; with several --dtype values each is named <model>-<dtype>.\nUsage: ${QUANTIZE_USAGE}`);
      const level = accuracyLevel(values, QUANTIZE_USAGE);
      const threads = numberFlag(values, 'threads', QUANTIZE_USAGE, THREADS_RANGE);
      const textFile = values.text as string | undefined;
      if (values.report && !textFile) throw new UserError(`--report needs --text FILE (held-out text for perplexity).\nUsage: ${QUANTIZE_USAGE}`);
      const heldOut = textFile === undefined ? undefined : heldOutText(textFile);
      const [{ findDecoder }, { quantizeModel, unregisterModels }, { quantizationReport, reportTable }] = await Promise.all([
        import('../models/registry.ts'), import('../deploy/quantize-model.ts'), import('../deploy/quantize-report.ts')]);
      const source = await userErrors(async () => findDecoder(ctx.dataDir, name, 'be quantised (Lathe quantises text-generation models)'));
      const targets = dtypes.map((dtype) => (values.name as string | undefined) ?? quantizedModelName(source.name, dtype));
      await requireFreeTargets(ctx, targets);
      const qopts = { accuracyLevel: level, embeddings: !values['no-embeddings'] };
      const made: { dtype: OnnxDtype; model: string; id: string; path: string; file: string; bytes: number; matmuls: number; embeddings: number }[] = [];
      const registered: Model[] = [];
      // a cancel keeps nothing, as a cancelled quantise job does: the variants already registered go too
      const report = await cancellable(() => 'quantize cancelled; no model was added.', async (signal) => {
        for (const [i, dtype] of dtypes.entries()) {
          const target = targets[i];
          const r = await withProgress(ctx, (onProgress) => quantizeModel(ctx.dataDir, source, dtype, target, { ...qopts, signal, onProgress: (p) => onProgress({ fraction: p.fraction, message: `${dtype}: ${p.message}` }) }));
          registered.push(r.model);
          made.push({ dtype, model: r.model.name, id: r.model.id, path: r.model.path, file: r.variant.file, bytes: r.variant.bytes, matmuls: r.variant.matmuls, embeddings: r.variant.embeddings });
        }
        if (!values.report) return undefined;
        return withProgress(ctx, (onProgress): Promise<ReportRow[]> => quantizationReport(source.path, { ...qopts, dtypes, text: heldOut!, threads, onProgress, signal }));
      }, () => unregisterModels(ctx.dataDir, registered));
      ctx.print({ source: source.name, variants: made, report }, () => {
        const lines = made.map((m) => `  ${m.dtype}: ${m.model} (${m.id}) ${humanBytes(m.bytes)}, ${plural(m.matmuls, 'projection')}${m.embeddings ? ` and ${plural(m.embeddings, 'embedding table')}` : ''} quantised\n    ${m.path}`);
        return [`quantised ${source.name}:`, ...lines, ...(report ? ['', reportTable(report)] : [])].join('\n');
      });
    },
  },
];
