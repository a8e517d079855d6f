// `lathe export` and `lathe model import-gguf`: a model out to a GGUF file for llama.cpp (Ollama, LM Studio,
// node-llama-cpp), and a GGUF file back in as a model. Both run in the foreground with progress on stderr.
import path from 'node:path';
import { exportGguf, GGUF_DTYPES, type GgufDtype } from '../deploy/gguf-write.ts';
import { importGgufModel } from '../deploy/gguf-import.ts';
import { exportLoraGguf } from '../deploy/gguf-lora.ts';
import { findModel } from '../models/registry.ts';
import { humanBytes } from '../api/format.ts';
import { UserError, type CliCommand } from './command.ts';
import { importInForeground, progressLine, userErrors } from './model.ts';

const FORMATS = ['gguf'] as const;
const EXPORT_USAGE = `lathe export --model NAME [--format gguf] [--dtype ${GGUF_DTYPES.join('|')}] [--adapter DIR] [--out FILE]`;
const IMPORT_USAGE = 'lathe model import-gguf FILE --name N';

function choice<T extends string>(values: Record<string, unknown>, flag: string, allowed: readonly T[], fallback: T, usage: string): T {
  const v = (values[flag] as string | undefined) ?? fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UserError(`--${flag} must be one of ${allowed.join(', ')}; got '${v}'.\nUsage: ${usage}`);
  return v as T;
}

export const commands: CliCommand[] = [
  {
    path: ['export'],
    summary: 'Write a model to one GGUF file that llama.cpp, Ollama and LM Studio run',
    usage: EXPORT_USAGE,
    help: {
      model: 'the model to export, by name or id (required)',
      format: 'the file format (default gguf, the only one so far)',
      dtype: `weight type in the file: ${GGUF_DTYPES.join(', ')} (default f16); norms stay f32, and matrices whose rows are not whole 32-value blocks stay f16`,
      adapter: "write this PEFT LoRA adapter folder (trained on --model) as a GGUF adapter for llama.cpp's --lora, instead of the model (default: export the model)",
      out: 'the file to write, replaced atomically if it exists (default: <model name>.<dtype>.gguf, or <adapter folder>.lora.gguf, in the current folder)',
    },
    options: { model: { type: 'string' }, format: { type: 'string' }, dtype: { type: 'string' }, adapter: { type: 'string' }, out: { type: 'string' } },
    async run({ values }, ctx) {
      const name = values.model as string | undefined;
      if (!name) throw new UserError(`--model NAME is required.\nUsage: ${EXPORT_USAGE}`);
      choice(values, 'format', FORMATS, 'gguf', EXPORT_USAGE);
      const dtype = choice<GgufDtype>(values, 'dtype', GGUF_DTYPES, 'f16', EXPORT_USAGE);
      const model = await userErrors(async () => findModel(ctx.dataDir, name));
      const adapter = values.adapter as string | undefined;
      if (adapter !== undefined) {
        if (values.dtype !== undefined) throw new UserError(`--dtype applies to a model export; a GGUF adapter is written as f32.\nUsage: ${EXPORT_USAGE}`);
        const out = path.resolve((values.out as string | undefined) ?? `${path.basename(path.resolve(adapter))}.lora.gguf`);
        const result = await userErrors(() => exportLoraGguf(model.path, adapter, out));
        ctx.print({ model: model.name, adapter: path.resolve(adapter), format: 'gguf', ...result }, () => `exported the LoRA adapter ${adapter} (${result.modules} adapted weights of ${model.name}) as a GGUF adapter: ${humanBytes(result.bytes)}\n  ${result.file}`);
        return;
      }
      const out = path.resolve((values.out as string | undefined) ?? `${model.name.replace(/[^\w.-]+/g, '_')}.${dtype}.gguf`);
      const { onProgress } = progressLine(ctx);
      let result;
      try {
        result = await userErrors(() => exportGguf(model.path, out, { dtype, name: model.name, onProgress: (p) => onProgress?.({ ...p, bytesDone: 0, bytesTotal: 0 }) }));
      } finally {
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      }
      const summary = { model: model.name, format: 'gguf', dtype, ...result };
      ctx.print(summary, () => {
        const note = result.fallbackF16.length ? `\n  ${result.fallbackF16.length} matrices kept as f16 (rows not whole 32-value blocks): ${result.fallbackF16.join(', ')}` : '';
        const warnings = result.warnings.map((w) => `\n  warning: ${w}`).join('');
        return `exported ${model.name} as ${dtype} GGUF: ${result.tensors} tensors, ${humanBytes(result.bytes)}\n  ${result.file}${note}${warnings}`;
      });
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
      await importInForeground(ctx, (opts) => importGgufModel(ctx.dataDir, positionals[0], name, opts));
    },
  },
];
