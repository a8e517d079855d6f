// Importing a llama GGUF file as a Lathe model: the header is read and checked (gguf-read.ts), config.json and
// the tokenizer files are rebuilt from the metadata, every tensor is dequantised to float32, renamed to its
// Hugging Face name and, for Q and K, put back in HF's rotary row order; the folder is then registered like
// any import (models/import.ts buildAndRegister: a temporary folder, checked, renamed, then the DB row).
import path from 'node:path';
import type { Model } from '../api/schemas.ts';
import { CheckpointError, StudioError } from '../api/errors.ts';
import { fillHfFolder, type HfFolderContents } from '../models/checkpoint.ts';
import { parseModelConfig } from '../models/config.ts';
import { expectedTensors } from '../models/params.ts';
import { buildAndRegister, requireFreeName, type ImportOptions } from '../models/import.ts';
import type { Tensor } from '../models/safetensors.ts';
import { GgufFile } from './gguf-read.ts';
import { hfTensorName, llamaConfigFromMetadata, permuteRotaryRows, permutedHeads } from './gguf-llama.ts';
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

/** The Hugging Face folder contents of a llama GGUF file (weights as float32). */
export function ggufToHf(file: string, onTensor?: (done: number, total: number) => void): HfFolderContents {
  const gguf = GgufFile.open(file);
  try {
    const meta = new MetadataReader(gguf.metadata, file);
    if (meta.string('general.type') === 'adapter') throw new CheckpointError(adapterNotModel(file, meta));
    const embed = gguf.tensors.get('token_embd.weight');
    if (!embed || embed.dims.length !== 2) throw new CheckpointError(`${file}: tensor 'token_embd.weight' is ${embed ? `${embed.dims.length}-dimensional` : 'missing'}; a llama GGUF has a 2-D token embedding`);
    const vocabRows = embed.dims[1];
    const config = llamaConfigFromMetadata(meta, gguf.tensors.has('output.weight'), vocabRows);
    const spec = parseModelConfig(config, `${file} (metadata)`);
    const { tokenizer, tokenizerConfig, specialTokensMap } = tokenizerFromMetadata(meta, vocabRows);
    const tensors = new Map<string, Tensor>();
    const ggufName = new Map<string, string>();
    const names = [...gguf.tensors.keys()];
    names.forEach((name, i) => {
      const info = gguf.tensors.get(name)!;
      const hf = hfTensorName(name);
      if (!hf) throw new CheckpointError(`${file}: tensor '${name}' is not part of the llama architecture Lathe imports${name === 'rope_freqs.weight' ? ' (Llama 3 RoPE scaling cannot be rebuilt from GGUF yet)' : ''}`);
      const shape = [...info.dims].reverse();
      let data = gguf.read(name);
      const heads = permutedHeads(name, spec);
      if (heads !== null) {
        if (shape.length !== 2 || shape[0] % heads !== 0 || (shape[0] / heads) % 2 !== 0) throw new CheckpointError(`${file}: tensor '${name}' has shape ${JSON.stringify(shape)}, which ${heads} heads of even size cannot split`);
        data = permuteRotaryRows(data, heads, shape[0], shape[1], true);
      }
      tensors.set(hf, { shape, data });
      ggufName.set(hf, name);
      onTensor?.(i + 1, names.length);
    });
    for (const t of expectedTensors(spec)) {
      const got = tensors.get(t.name);
      if (!got) throw new CheckpointError(`${file}: no tensor for '${t.name}'; the metadata describes ${spec.numLayers} layers with shape ${JSON.stringify(t.shape)} here`);
      if (got.shape.join() !== t.shape.join()) throw new CheckpointError(`${file}: tensor '${ggufName.get(t.name)}' (Lathe's '${t.name}') has dims ${JSON.stringify([...got.shape].reverse())} but the llama.* metadata implies ${JSON.stringify([...t.shape].reverse())}`);
    }
    const eos = config.eos_token_id;
    const generationConfig = { ...(config.bos_token_id !== undefined ? { bos_token_id: config.bos_token_id } : {}), ...(eos !== undefined ? { eos_token_id: eos } : {}) };
    return { config, tensors, tokenizer, tokenizerConfig, specialTokensMap, generationConfig };
  } finally {
    gguf.close();
  }
}

/** Import `file` into the data directory as model `name` (checked, built aside, then registered). */
export async function importGgufModel(dataDir: string, file: string, name: string, opts: ImportOptions = {}): Promise<Model> {
  const from = path.resolve(file);
  requireFreeName(dataDir, name);
  return buildAndRegister(dataDir, name, opts.source ?? `gguf:${from}`, async (tmp) => {
    opts.onProgress?.({ fraction: 0.02, message: `reading ${path.basename(from)}`, bytesDone: 0, bytesTotal: 0 });
    const contents = ggufToHf(from, (done, total) => {
      opts.onProgress?.({ fraction: 0.02 + (0.8 * done) / total, message: `dequantising tensor ${done} of ${total}`, bytesDone: 0, bytesTotal: 0 });
      if (opts.signal?.aborted) throw new StudioError('conflict', 'the import was cancelled');
    });
    opts.onProgress?.({ fraction: 0.85, message: 'writing the Hugging Face folder', bytesDone: 0, bytesTotal: 0 });
    await fillHfFolder(tmp, contents);
  }, opts);
}
