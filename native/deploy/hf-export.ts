// `lathe export --format hf`: a model's Hugging Face folder written elsewhere with its weights in fp32, fp16 or
// bf16 and every side file (tokenizer, chat template, special tokens, generation config) carried, replaced whole.
import path from 'node:path';
import { stopIfCancelled } from '../models/atomic.ts';
import { CheckpointWeights, fillHfFolder, readHfFolder, tokenizerSideFiles } from '../models/checkpoint.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { Tensor } from '../models/safetensors.ts';
import { folderBytes, type MergeDtype } from './merge-model.ts';
import { replaceFolderAtomic } from './replace-folder.ts';

const SAFETENSORS = { fp32: 'F32', fp16: 'F16', bf16: 'BF16' } as const;
const TORCH = { fp32: 'float32', fp16: 'float16', bf16: 'bfloat16' } as const;

/** An aborted `signal` stops the copy between tensors, removes the temporary folder and leaves `out` as it was. */
export async function copyHfFolder(src: string, out: string, dtype: MergeDtype, signal?: AbortSignal): Promise<{ dir: string; bytes: number }> {
  if (isOnnxOnlyFolder(src)) throw new Error(`${src}: this model holds only ONNX weights (a quantised export); export its source model as a Hugging Face folder`);
  const folder = readHfFolder(src);
  const weights = CheckpointWeights.open(src);
  const tensors = new Map<string, Tensor>();
  try {
    for (const name of weights.names()) {
      await stopIfCancelled(signal, 'the export');
      tensors.set(name, weights.read(name));
    }
  } finally {
    weights.close();
  }
  await replaceFolderAtomic(out, (tmp) => fillHfFolder(tmp, {
    config: { ...folder.config, torch_dtype: TORCH[dtype] },
    tensors,
    generationConfig: folder.generationConfig ?? undefined,
    tokenizer: folder.tokenizer ?? undefined,
    tokenizerConfig: folder.tokenizerConfig ?? undefined,
    extraFiles: tokenizerSideFiles(src),
    dtype: SAFETENSORS[dtype],
  }, { signal }));
  return { dir: path.resolve(out), bytes: folderBytes(out) };
}
