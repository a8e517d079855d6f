// Importing a llama GGUF file as a Lathe model: the header is read and checked (gguf-read.ts), config.json and
// the tokenizer files are rebuilt from the metadata, every tensor is dequantised to float32, renamed to its
// Hugging Face name and, for Q and K, put back in HF's rotary row order; the folder is then registered like
// any import (models/import.ts buildAndRegister: a temporary folder, checked, renamed, then the DB row).
import path from 'node:path';
import type { Model } from '../api/schemas.ts';
import { CheckpointError } from '../api/errors.ts';
import { stopIfCancelled } from '../models/atomic.ts';
import { fillHfFolder, type HfFolderContents } from '../models/checkpoint.ts';
import { parseModelConfig, type ModelSpec } from '../models/config.ts';
import { expectedTensors } from '../models/params.ts';
import { buildAndRegister, requireFreeName, type ImportOptions } from '../models/import.ts';
import type { Tensor } from '../models/safetensors.ts';
import { GgufFile } from './gguf-read.ts';
import { hfTensorName, inGgufTerms, llamaConfigFromMetadata, permuteRotaryRows, permutedHeads } from './gguf-llama.ts';
import { MetadataReader } from './gguf-metadata.ts';
import { tokenizerFromMetadata } from './gguf-tokenizer.ts';

/**
 * Why an adapter GGUF (general.type 'adapter', as `lathe export --adapter` and llama.cpp's convert_lora_to_gguf.py
 * write it) is not imported: it holds only the LoRA matrices, not a model, and what to do with it instead.
 */
function adapterNotModel(file: string, meta: MetadataReader): string {
  const kind = meta.string('adapter.type') ?? 'LoRA';
  return `${file} is a ${kind === 'lora' ? 'LoRA' : kind} adapter (metadata general.type 'adapter'), not a model: it holds only the adapter's matrices, so there is nothing to import. `
    + `Run it on its base model with llama.cpp (llama-cli -m BASE.gguf --lora ${path.basename(file)}); to get one merged model in Lathe, `
    + `merge the adapter's PEFT folder into its base with 'lathe merge --model BASE --adapter DIR --name NEW' (or 'lathe merge --run RUN' for a Lathe LoRA run)`;
}

/** One tensor to read: its GGUF name, its Hugging Face name and shape, and how many heads its rows are permuted by. */
interface PlannedTensor {
  gguf: string;
  hf: string;
  shape: number[];
  heads: number | null;
}

/** What a llama GGUF file's header says its folder will be: every file but the weights, and the tensors to read. */
interface GgufPlan {
  contents: Omit<HfFolderContents, 'tensors'>;
  tensors: PlannedTensor[];
}

/**
 * Check a GGUF file's header (metadata, tokenizer, every tensor's name and shape) and plan its folder, reading no
 * tensor: a file that is not a llama model Lathe imports is refused before any is dequantised.
 */
function planImport(gguf: GgufFile, file: string): GgufPlan {
  const meta = new MetadataReader(gguf.metadata, file);
  if (meta.string('general.type') === 'adapter') throw new CheckpointError(adapterNotModel(file, meta));
  const embed = gguf.tensors.get('token_embd.weight');
  if (!embed || embed.dims.length !== 2) throw new CheckpointError(`${file}: tensor 'token_embd.weight' is ${embed ? `${embed.dims.length}-dimensional` : 'missing'}; a llama GGUF has a 2-D token embedding`);
  const vocabRows = embed.dims[1];
  const config = llamaConfigFromMetadata(meta, gguf.tensors.has('output.weight'), vocabRows);
  const spec = specInGgufTerms(config, file);
  const { tokenizer, tokenizerConfig, specialTokensMap } = tokenizerFromMetadata(meta, vocabRows);
  const tensors = [...gguf.tensors.values()].map((info): PlannedTensor => {
    const name = info.name;
    const hf = hfTensorName(name);
    if (!hf) throw new CheckpointError(`${file}: tensor '${name}' is not part of the llama architecture Lathe imports${name === 'rope_freqs.weight' ? ' (Llama 3 RoPE scaling cannot be rebuilt from GGUF yet)' : ''}`);
    const shape = [...info.dims].reverse();
    const heads = permutedHeads(name, spec);
    if (heads !== null && (shape.length !== 2 || shape[0] % heads !== 0 || (shape[0] / heads) % 2 !== 0)) throw new CheckpointError(`${file}: tensor '${name}' has shape ${JSON.stringify(shape)}, which ${heads} heads of even size cannot split`);
    return { gguf: name, hf, shape, heads };
  });
  const byHf = new Map(tensors.map((t) => [t.hf, t]));
  for (const t of expectedTensors(spec)) {
    const got = byHf.get(t.name);
    if (!got) throw new CheckpointError(`${file}: no tensor for '${t.name}'; the metadata describes ${spec.numLayers} layers with shape ${JSON.stringify(t.shape)} here`);
    if (got.shape.join() !== t.shape.join()) throw new CheckpointError(`${file}: tensor '${got.gguf}' (Lathe's '${t.name}') has dims ${JSON.stringify([...got.shape].reverse())} but the llama.* metadata implies ${JSON.stringify([...t.shape].reverse())}`);
  }
  const eos = config.eos_token_id;
  const generationConfig = { ...(config.bos_token_id !== undefined ? { bos_token_id: config.bos_token_id } : {}), ...(eos !== undefined ? { eos_token_id: eos } : {}) };
  return { contents: { config, tokenizer, tokenizerConfig, specialTokensMap, generationConfig }, tensors };
}

/** The model the rebuilt config describes; a refusal names the metadata keys, not config.json's fields. */
function specInGgufTerms(config: Record<string, unknown>, file: string): ModelSpec {
  try {
    return parseModelConfig(config, `${file} (metadata)`);
  } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointError(inGgufTerms(e.message));
    throw e;
  }
}

/** Dequantise the plan's tensors into `into`, one at a time, yielding after each so a caller can report and cancel. */
function* readTensors(gguf: GgufFile, plan: GgufPlan, into: Map<string, Tensor>): Generator<number> {
  for (const [i, t] of plan.tensors.entries()) {
    const data = gguf.read(t.gguf);
    into.set(t.hf, { shape: t.shape, data: t.heads === null ? data : permuteRotaryRows(data, t.heads, t.shape[0], t.shape[1], true) });
    yield i + 1;
  }
}

/** The Hugging Face folder contents of a llama GGUF file (weights as float32). */
export function ggufToHf(file: string, onTensor?: (done: number, total: number) => void): HfFolderContents {
  const gguf = GgufFile.open(file);
  try {
    const plan = planImport(gguf, file);
    const tensors = new Map<string, Tensor>();
    for (const done of readTensors(gguf, plan, tensors)) onTensor?.(done, plan.tensors.length);
    return { ...plan.contents, tensors };
  } finally {
    gguf.close();
  }
}

/**
 * Import `file` into the data directory as model `name`. Its header is checked first (a missing file, a folder, a file
 * that is not GGUF or not a llama model Lathe imports), so such a refusal comes before any progress line and writes
 * nothing, not even the data directory. Then the model is built aside and registered, from the same open file; a
 * cancel (`opts.signal`) is heard between tensors, while dequantising and while writing, and removes the folder.
 */
export async function importGgufModel(dataDir: string, file: string, name: string, opts: ImportOptions = {}): Promise<Model> {
  const from = path.resolve(file);
  const gguf = GgufFile.open(from);
  try {
    const plan = planImport(gguf, from);
    requireFreeName(dataDir, name);
    return await buildAndRegister(dataDir, name, opts.source ?? `gguf:${from}`, async (tmp) => {
      const total = plan.tensors.length;
      opts.onProgress?.({ fraction: 0.02, message: `reading ${path.basename(from)}`, bytesDone: 0, bytesTotal: 0 });
      const tensors = new Map<string, Tensor>();
      for (const done of readTensors(gguf, plan, tensors)) {
        opts.onProgress?.({ fraction: 0.02 + (0.8 * done) / total, message: `dequantising tensor ${done} of ${total}`, bytesDone: 0, bytesTotal: 0 });
        await stopIfCancelled(opts.signal, 'the import');
      }
      opts.onProgress?.({ fraction: 0.85, message: 'writing the Hugging Face folder', bytesDone: 0, bytesTotal: 0 });
      await fillHfFolder(tmp, { ...plan.contents, tensors }, { signal: opts.signal });
    }, opts);
  } finally {
    gguf.close();
  }
}
