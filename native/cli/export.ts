// `lathe export` and `lathe model import-gguf`: a model out as a GGUF file for llama.cpp (Ollama, LM Studio,
// node-llama-cpp), an ONNX folder in the transformers.js layout (one file per dtype) or a Hugging Face folder
// (with a LoRA adapter merged in, if given), and a GGUF file back in as a model. Foreground, progress on stderr.
import path from 'node:path';
import { GGUF_DTYPES, GGUF_FILE, MERGE_DTYPES, type MergeDtype } from '../api/deploy.ts';
import type { GgufDtype } from '../deploy/gguf-write.ts';
import { humanBytes } from '../api/format.ts';
import { UserError, type CliCommand } from './command.ts';
import { importInForeground, progressLine, userErrors } from './model.ts';
import { accuracyLevel, cancellable, dtypeList, untouched, withProgress } from './deploy.ts';
import { choiceFlagError } from './options.ts';
import { checkOutputFile, checkOutputFolder, firstMissingFolder, writingOutput } from './output-file.ts';
import { requireAdapterFolder } from './file-errors.ts';
import { ONNX_DTYPES, type OnnxDtype } from '../models/onnx-variants.ts';
import { dataDirOutputProblem, outputPathProblem } from '../models/atomic.ts';

const FORMATS = ['gguf', 'onnx', 'hf'] as const;
const EXPORT_USAGE = [
  `lathe export --model NAME [--format gguf] [--dtype ${GGUF_DTYPES.join('|')}] [--adapter DIR] [--out FILE] [--force]`,
  `lathe export --model NAME --format onnx [--dtype ${ONNX_DTYPES.join(',')}] [--accuracy-level 0-4] [--out DIR]`,
  `lathe export --model NAME --format hf [--dtype ${MERGE_DTYPES.join('|')}] [--adapter DIR] [--out DIR]`,
].join('\n       ');
const IMPORT_USAGE = 'lathe model import-gguf FILE --name N';

function choice<T extends string>(values: Record<string, unknown>, flag: string, allowed: readonly T[], fallback: T, usage: string): T {
  const v = (values[flag] as string | undefined) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw choiceFlagError(flag, v, allowed, usage);
  return v as T;
}

export const commands: CliCommand[] = [
  {
    path: ['export'],
    modelFlags: ['model'],
    summary: 'Write a model as one GGUF file (llama.cpp, Ollama, LM Studio), an ONNX folder (transformers.js) or a Hugging Face folder; or a LoRA adapter as GGUF',
    usage: EXPORT_USAGE,
    help: {
      model: 'the model to export, by name or id (required)',
      format: 'gguf (one file for llama.cpp), onnx (a transformers.js folder: onnx/model.onnx, model_fp16.onnx, model_quantized.onnx, model_int8.onnx, model_q4.onnx) or hf (a Hugging Face safetensors folder); default gguf',
      dtype: `gguf: ${GGUF_DTYPES.join(', ')} (default f16; norms stay f32, matrices whose rows are not whole 32-value blocks stay f16). onnx: a comma-separated list of ${ONNX_DTYPES.join(', ')} (default fp32,q8,q4; the first is the folder's default). hf: ${MERGE_DTYPES.join(', ')} (default fp32)`,
      adapter: "gguf: write this PEFT LoRA adapter folder (trained on --model) as a GGUF adapter for llama.cpp's --lora, instead of the model. hf: merge the adapter into the exported weights",
      'accuracy-level': "onnx: MatMulNBits' accuracy_level for q4/int8 (0 unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 activations; default 4)",
      out: 'gguf: the file to write (default <model name>.<dtype>.gguf or <adapter folder>.lora.gguf); onnx/hf: the folder (default <model name>-onnx or <model name>-hf); an earlier export there is replaced atomically; a folder holding other files, or a file that is not GGUF (unless --force), is refused, as is any path in the data directory; missing folders on the way are created, and named on stderr',
      force: 'gguf: replace the file --out names (or the default file) even if it is not an earlier GGUF export (written whole through a temporary file, never partly); a folder of other files is never replaced, since that would delete them',
    },
    options: { model: { type: 'string' }, format: { type: 'string' }, dtype: { type: 'string' }, adapter: { type: 'string' }, out: { type: 'string' }, 'accuracy-level': { type: 'string' }, force: { type: 'boolean' } },
    async run({ values }, ctx) {
      const name = values.model as string | undefined;
      if (!name) throw new UserError(`--model NAME is required.\nUsage: ${EXPORT_USAGE}`);
      const format = choice(values, 'format', FORMATS, 'gguf', EXPORT_USAGE);
      if (values['accuracy-level'] !== undefined && format !== 'onnx') throw new UserError(`--accuracy-level applies to --format onnx only.\nUsage: ${EXPORT_USAGE}`);
      const force = Boolean(values.force);
      // a folder's export replaces it whole: with other files there, replacing it would delete them, which no flag asks for
      if (force && format !== 'gguf') throw new UserError(`--force replaces the file a GGUF export writes (--format gguf); a ${format} export replaces only an earlier export or an empty folder, never a folder holding other files, which it would delete; choose a new or empty folder.\nUsage: ${EXPORT_USAGE}`);
      // an adapter folder that is not there is refused before the store is opened to find the model (onnx refuses --adapter)
      if (values.adapter !== undefined && format !== 'onnx') await requireAdapterFolder('adapter', values.adapter as string);
      const safeName = (n: string) => n.replace(/[^\w.-]+/g, '_');
      // the outermost folder on the way to --out that the export creates, taken before it does, and said once it is written
      let createdFolder: string | null = null;
      /**
       * Where the export goes: --out, or `fallback` in the working folder; refused now if it cannot be written as a
       * `kind` (output-file.ts), not by the writer after the model is converted.
       */
      const destination = (kind: 'file' | 'folder', fallback: string): string => {
        const given = values.out as string | undefined;
        if (given !== undefined) createdFolder = firstMissingFolder(given);
        const inDataDir = dataDirOutputProblem(given ?? fallback, ctx.dataDir);
        if (inDataDir) throw new UserError(given === undefined ? `${path.resolve(fallback)} (where the export goes without --out): ${inDataDir}; give --out` : `--out ${given}: ${inDataDir}`);
        if (given === undefined) {
          const problem = outputPathProblem(fallback, kind === 'file' ? { ...GGUF_FILE, force } : 'folder');
          const forceWould = problem !== null && kind === 'file' && !force && outputPathProblem(fallback, { ...GGUF_FILE, force: true }) === null;
          if (problem) throw new UserError(`${path.resolve(fallback)} (where the export goes without --out): ${problem}; or give --out${forceWould ? ', or --force to replace it' : ''}`);
        } else if (kind === 'file') checkOutputFile('out', given, fallback, GGUF_FILE, force);
        else checkOutputFolder('out', given);
        return path.resolve(given ?? fallback);
      };
      // the engine behind each format, loaded when an export runs (not for `lathe --help`)
      const [{ exportGguf }, { exportLoraGguf }, { findDecoder, variantSourceName }, { folderBytes, mergeToFolder }, { exportOnnxFolder }, { copyHfFolder }] = await Promise.all([
        import('../deploy/gguf-write.ts'), import('../deploy/gguf-lora.ts'), import('../models/registry.ts'),
        import('../deploy/merge-model.ts'), import('../deploy/onnx-export.ts'), import('../deploy/hf-export.ts')]);
      if (format === 'onnx') {
        if (values.adapter !== undefined) throw new UserError(`--adapter is not taken by --format onnx; merge first (lathe merge), then export the merged model.\nUsage: ${EXPORT_USAGE}`);
        const dtypes = dtypeList<OnnxDtype>((values.dtype as string | undefined) ?? 'fp32,q8,q4', ONNX_DTYPES, EXPORT_USAGE);
        const level = accuracyLevel(values, EXPORT_USAGE);
        const model = await userErrors(async () => findDecoder(ctx.dataDir, name, 'be exported (Lathe exports text-generation models)'));
        const out = destination('folder', `${safeName(model.name)}-onnx`);
        const r = await writingOutput(ctx, 'out', out, createdFolder, () => cancellable(untouched('export', out), (signal) => withProgress(ctx, (onProgress) => exportOnnxFolder(model.path, out, { dtypes, accuracyLevel: level, onProgress, signal, refusing: { doing: 'export', source: variantSourceName(ctx.dataDir, model) } }))));
        ctx.print({ model: model.name, format, ...r }, () => [`exported ${model.name} as a transformers.js folder: ${humanBytes(folderBytes(out))}`, `  ${out}`, ...r.variants.map((v) => `  ${v.dtype.padEnd(5)} ${v.file} ${humanBytes(v.bytes)}`)].join('\n'));
        return;
      }
      if (format === 'hf') {
        const dtype = dtypeList<MergeDtype>((values.dtype as string | undefined) ?? 'fp32', MERGE_DTYPES, EXPORT_USAGE);
        if (dtype.length !== 1) throw new UserError(`--dtype takes one of ${MERGE_DTYPES.join(', ')} for --format hf.\nUsage: ${EXPORT_USAGE}`);
        const model = await userErrors(async () => findDecoder(ctx.dataDir, name, 'be exported (Lathe exports text-generation models)'));
        const out = destination('folder', `${safeName(model.name)}-hf`);
        const adapter = values.adapter as string | undefined;
        const r = await writingOutput(ctx, 'out', out, createdFolder, () => cancellable(untouched('export', out), (signal) => withProgress(ctx, async (onProgress) => {
          onProgress({ fraction: 0.1, message: adapter ? `merging ${adapter} into ${model.name}` : `writing ${model.name} as ${dtype[0]}` });
          return adapter ? mergeToFolder(model.path, adapter, out, dtype[0], signal) : copyHfFolder(model.path, out, dtype[0], signal);
        })));
        ctx.print({ model: model.name, format, dtype: dtype[0], adapter: adapter ? path.resolve(adapter) : null, ...r }, () => `exported ${model.name}${adapter ? ` with ${adapter} merged in` : ''} as a Hugging Face folder (${dtype[0]}): ${humanBytes(r.bytes)}\n  ${r.dir}`);
        return;
      }
      const dtype = choice<GgufDtype>(values, 'dtype', GGUF_DTYPES, 'f16', EXPORT_USAGE);
      const model = await userErrors(async () => findDecoder(ctx.dataDir, name, 'be exported (Lathe exports text-generation models)'));
      const adapter = values.adapter as string | undefined;
      if (adapter !== undefined) {
        if (values.dtype !== undefined) throw new UserError(`--dtype applies to a model export; a GGUF adapter is written as f32.\nUsage: ${EXPORT_USAGE}`);
        const out = destination('file', `${path.basename(path.resolve(adapter))}.lora.gguf`);
        const { onProgress } = progressLine(ctx);
        let result;
        try {
          result = await writingOutput(ctx, 'out', out, createdFolder, () => cancellable(untouched('export', out), (signal) => userErrors(() => exportLoraGguf(model.path, adapter, out, { signal, force, onProgress: (p) => onProgress?.({ ...p, bytesDone: 0, bytesTotal: 0 }) }))));
        } finally {
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        }
        ctx.print({ model: model.name, adapter: path.resolve(adapter), format: 'gguf', ...result }, () => `exported the LoRA adapter ${adapter} (${result.modules} adapted weights of ${model.name}) as a GGUF adapter: ${humanBytes(result.bytes)}\n  ${result.file}`);
        return;
      }
      const out = destination('file', `${safeName(model.name)}.${dtype}.gguf`);
      const { onProgress } = progressLine(ctx);
      let result;
      try {
        result = await writingOutput(ctx, 'out', out, createdFolder, () => cancellable(untouched('export', out), (signal) => userErrors(() => exportGguf(model.path, out, { dtype, name: model.name, signal, force, onProgress: (p) => onProgress?.({ ...p, bytesDone: 0, bytesTotal: 0 }) }))));
      } finally {
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      }
      const summary = { model: model.name, format: 'gguf', dtype, ...result };
      ctx.print(summary, () => {
        const note = result.fallbackF16.length ? `\n  ${result.fallbackF16.length} matrices kept as f16 (rows not whole 32-value blocks): ${result.fallbackF16.join(', ')}` : '';
        return `exported ${model.name} as ${dtype} GGUF: ${result.tensors} tensors, ${humanBytes(result.bytes)}\n  ${result.file}${note}`;
      });
      for (const w of result.warnings) ctx.warn(w); // also in the --json answer's warnings
    },
  },
  {
    path: ['model', 'import-gguf'],
    summary: 'Import a llama GGUF file (F32, F16, Q8_0, Q4_0, Q4_K, Q6_K weights, dequantised to f32) as a model',
    usage: IMPORT_USAGE,
    help: { name: 'name for the model (required; unique)' },
    options: { name: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`expected one .gguf file.\nUsage: ${IMPORT_USAGE}`);
      const name = values.name as string | undefined;
      if (!name) throw new UserError(`--name N is required.\nUsage: ${IMPORT_USAGE}`);
      const { importGgufModel } = await import('../deploy/gguf-import.ts');
      await importInForeground(ctx, (opts) => importGgufModel(ctx.dataDir, positionals[0], name, opts));
    },
  },
];
