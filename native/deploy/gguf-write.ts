// Export a Llama-family model folder to one GGUF v3 file that llama.cpp (and so node-llama-cpp, Ollama, LM
// Studio) runs: weights as F32, F16, Q8_0 or Q4_0 in ggml's block layouts, Q/K rows permuted to llama.cpp's
// RoPE order, the llama.* hyper-parameters, the tokenizer with scores and types, BOS/EOS and the chat
// template. Norms stay F32 and matrices whose rows are not a whole number of 32-element blocks fall back to
// F16, as llama.cpp's own converter does. Tensors are read, converted and written one at a time.
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointError } from '../api/errors.ts';
import { GGUF_DTYPES } from '../api/deploy.ts';
import { CheckpointWeights, readHfFolder } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { expectedTensors } from '../models/params.ts';
import { readSideFile } from '../text/side-file.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { BLOCK, quantize } from './ggml-blocks.ts';
import { writeGgufFile, type GgufTensorPlan } from './gguf-file-writer.ts';
import { DEFAULT_ALIGNMENT, str, u32, type GgufMetadata } from './gguf-format.ts';
import { ggufTensorName, llama3RopeFactors, llamaMetadata, permuteRotaryRows, permutedHeads } from './gguf-llama.ts';
import { tokenizerMetadata } from './gguf-tokenizer.ts';

export { GGUF_DTYPES }; // the names are the API's (api/deploy.ts), so the Integrate page offers the same list
export type GgufDtype = (typeof GGUF_DTYPES)[number];

const TENSOR_TYPE = { f32: 'F32', f16: 'F16', q8_0: 'Q8_0', q4_0: 'Q4_0' } as const;
/** llama_ftype: what general.file_type says the file mostly holds. */
const FILE_TYPE: Record<GgufDtype, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7 };

export interface GgufExportProgress {
  fraction: number;
  message: string;
}

export interface GgufExportOptions {
  dtype?: GgufDtype;
  /** general.name (default: the folder's name). */
  name?: string;
  onProgress?: (p: GgufExportProgress) => void;
  signal?: AbortSignal;
  /** Replace the file at the destination whatever it holds (the CLI's --force; writeGgufFile), not only an earlier GGUF file. */
  force?: boolean;
}

export interface GgufExportResult {
  file: string;
  bytes: number;
  tensors: number;
  /** Matrices written as F16 because their rows are not whole quantisation blocks. */
  fallbackF16: string[];
  /** What the file cannot say about the model, in words (llama.cpp will behave differently there). */
  warnings: string[];
}

/** The chat template a folder carries: tokenizer_config.json's chat_template, else chat_template.jinja. */
function chatTemplateOf(dir: string, tokenizerConfig: Record<string, unknown> | null): string | null {
  const t = tokenizerConfig?.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.filter((x): x is { name?: unknown; template: string } => x !== null && typeof x === 'object' && typeof (x as { template?: unknown }).template === 'string');
    const pick = named.find((x) => x.name === 'default') ?? named[0];
    if (pick) return pick.template;
  }
  const jinja = path.join(dir, 'chat_template.jinja');
  return readSideFile(jinja)?.toString('utf8') ?? null;
}

/** Refuse what llama.cpp's "llama" architecture cannot express, naming config.json's field. */
export function checkExportable(spec: ModelSpec, configFile: string): void {
  if (spec.family !== 'llama' || !['llama', 'mistral'].includes(spec.modelType)) {
    throw new CheckpointError(`${configFile}: field 'model_type' is ${JSON.stringify(spec.modelType)}; GGUF export supports Llama and Mistral models`);
  }
  if (spec.qkvBias || spec.outBias || spec.mlpBias) throw new CheckpointError(`${configFile}: field 'attention_bias'/'mlp_bias' is true; llama.cpp's llama architecture has no biases`);
  if (spec.headDim % 2 !== 0) throw new CheckpointError(`${configFile}: head_dim ${spec.headDim} is odd; RoPE needs pairs`);
}

/** Write `modelDir` (a Hugging Face Llama folder) to `outFile` as GGUF, atomically. */
export async function exportGguf(modelDir: string, outFile: string, opts: GgufExportOptions = {}): Promise<GgufExportResult> {
  const dtype = opts.dtype ?? 'f16';
  if (!GGUF_DTYPES.includes(dtype)) throw new CheckpointError(`GGUF dtype ${JSON.stringify(dtype)} is not one of ${GGUF_DTYPES.join(', ')}`);
  const folder = readHfFolder(modelDir);
  const configFile = path.join(modelDir, 'config.json');
  const spec = folder.spec;
  checkExportable(spec, configFile);
  if (!folder.tokenizer) throw new CheckpointError(`${path.join(modelDir, 'tokenizer.json')}: missing; a GGUF file carries its tokenizer, so Lathe needs the model's tokenizer.json`);
  const tokenizerConfig = folder.tokenizerConfig ?? {};
  const metadata: GgufMetadata = new Map();
  metadata.set('general.architecture', str('llama'));
  metadata.set('general.name', str(opts.name ?? path.basename(path.resolve(modelDir))));
  metadata.set('general.alignment', u32(DEFAULT_ALIGNMENT));
  metadata.set('general.file_type', u32(FILE_TYPE[dtype]));
  if (dtype === 'q8_0' || dtype === 'q4_0') metadata.set('general.quantization_version', u32(2));
  for (const [k, v] of llamaMetadata(spec)) metadata.set(k, v);
  const tokenizerFile = path.join(modelDir, 'tokenizer.json');
  const specials = { ...tokenizerConfig };
  for (const [key, id] of [['bos_token', spec.bosTokenId], ['eos_token', spec.eosTokenIds[0]]] as const) {
    // A tokenizer_config.json without bos/eos falls back to config.json's ids, through the vocabulary.
    if (specials[key] === undefined && id !== null && id !== undefined) specials[key] = idToPiece(folder.tokenizer, id);
  }
  if (specials.bos_token === undefined || specials.bos_token === null) {
    // A post-processor that puts one token before every text adds a BOS neither file names (TextTokenizer.bosTokenId):
    // Lathe encodes prompts with it, so llama.cpp must be told to add it too.
    const inferred = TextTokenizer.fromJson(folder.tokenizer, specials, null, tokenizerFile).bosTokenId;
    if (inferred !== null) specials.bos_token = idToPiece(folder.tokenizer, inferred);
  }
  for (const [k, v] of tokenizerMetadata(folder.tokenizer, specials, spec.vocabSize, chatTemplateOf(modelDir, folder.tokenizerConfig), tokenizerFile)) metadata.set(k, v);

  const weights = CheckpointWeights.open(modelDir);
  const fallbackF16: string[] = [];
  try {
    const plans: GgufTensorPlan[] = [];
    const ropeFactors = llama3RopeFactors(spec);
    if (ropeFactors) plans.push({ name: 'rope_freqs.weight', dims: [ropeFactors.length], type: 'F32', bytes: () => quantize('F32', ropeFactors) });
    for (const t of expectedTensors(spec)) {
      const name = ggufTensorName(t.name);
      if (!name) throw new CheckpointError(`${modelDir}: tensor '${t.name}' has no GGUF name; GGUF export supports Llama and Mistral models`);
      const dims = [...t.shape].reverse();
      let type: 'F32' | 'F16' | 'Q8_0' | 'Q4_0' = t.shape.length === 1 ? 'F32' : TENSOR_TYPE[dtype];
      if ((type === 'Q8_0' || type === 'Q4_0') && dims[0] % BLOCK[type].elements !== 0) {
        type = 'F16';
        fallbackF16.push(name);
      }
      const heads = permutedHeads(name, spec);
      plans.push({
        name,
        dims,
        type,
        bytes: () => {
          const w = weights.read(t.name, t.shape).data;
          return quantize(type, heads === null ? w : permuteRotaryRows(w, heads, t.shape[0], t.shape[1]));
        },
      });
    }
    opts.onProgress?.({ fraction: 0, message: `writing ${plans.length} tensors as ${dtype} to ${outFile}` });
    await writeGgufFile(outFile, metadata, plans, (done, total) => {
      opts.onProgress?.({ fraction: done / total, message: `tensor ${done} of ${total} (${plans[done - 1].name}, ${plans[done - 1].type})` });
    }, opts.signal, opts.force);
    const warnings: string[] = [];
    if (spec.slidingWindow !== null && spec.slidingWindow < spec.maxPositions) {
      warnings.push(`config.json's sliding_window ${spec.slidingWindow} has no place in GGUF's llama architecture: llama.cpp attends to the whole context, so beyond ${spec.slidingWindow} tokens its output differs from Lathe's`);
    }
    return { file: outFile, bytes: fs.statSync(outFile).size, tensors: plans.length, fallbackF16, warnings };
  } finally {
    weights.close();
  }
}

/** The vocabulary piece of `id` in a tokenizer.json (added tokens first), or undefined. */
function idToPiece(tokenizer: Record<string, unknown>, id: number): string | undefined {
  const added = (Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : []) as { id?: unknown; content?: unknown }[];
  const hit = added.find((t) => t.id === id && typeof t.content === 'string');
  if (hit) return hit.content as string;
  const vocab = (tokenizer.model as { vocab?: Record<string, unknown> } | undefined)?.vocab ?? {};
  return Object.entries(vocab).find(([, v]) => v === id)?.[0];
}
