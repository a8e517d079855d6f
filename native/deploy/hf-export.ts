// `lathe export --format hf`: a model's Hugging Face folder written elsewhere with its weights in fp32, fp16 or
// bf16 and every side file (tokenizer, chat template, special tokens, generation config) carried, replaced whole.
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointWeights, fillHfFolder, readHfFolder } from '../models/checkpoint.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { Tensor } from '../models/safetensors.ts';
import { folderBytes, throwIfCancelled, type MergeDtype } from './merge-model.ts';
import { replaceFolderAtomic } from './replace-folder.ts';

const SAFETENSORS = { fp32: 'F32', fp16: 'F16', bf16: 'BF16' } as const;
const TORCH = { fp32: 'float32', fp16: 'float16', bf16: 'bfloat16' } as const;

/** `signal` (Ctrl-C in `lathe export`): checked once the folder is written, before it replaces `out`, so a cancel leaves nothing. */
export async function copyHfFolder(src: string, out: string, dtype: MergeDtype, signal?: AbortSignal): Promise<{ dir: string; bytes: number }> {
  if (isOnnxOnlyFolder(src)) throw new Error(`${src}: this model holds only ONNX weights (a quantised export); export its source model as a Hugging Face folder`);
  const folder = readHfFolder(src);
  const weights = CheckpointWeights.open(src);
  const tensors = new Map<string, Tensor>();
  try {
    for (const name of weights.names()) tensors.set(name, weights.read(name));
  } finally {
    weights.close();
  }
  const extraFiles: Record<string, Uint8Array> = {};
  for (const f of ['special_tokens_map.json', 'chat_template.jinja']) if (fs.existsSync(path.join(src, f))) extraFiles[f] = fs.readFileSync(path.join(src, f));
  await replaceFolderAtomic(out, async (tmp) => {
    await fillHfFolder(tmp, {
      config: { ...folder.config, torch_dtype: TORCH[dtype] },
      tensors,
      generationConfig: folder.generationConfig ?? undefined,
      tokenizer: folder.tokenizer ?? undefined,
      tokenizerConfig: folder.tokenizerConfig ?? undefined,
      extraFiles,
      dtype: SAFETENSORS[dtype],
    });
    await throwIfCancelled(signal, 'export'); // the temporary folder goes, the old export stays
  });
  return { dir: path.resolve(out), bytes: folderBytes(out) };
}
