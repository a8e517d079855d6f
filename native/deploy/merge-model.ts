// `lathe merge`: a PEFT LoRA adapter (Lathe's or anyone's) folded into its base, as a Hugging Face folder in
// fp32, fp16 or bf16 with the base's tokenizer, chat template, special tokens and generation config. Written to a
// folder of the user's choice (replaced whole) or registered as a new model. The arithmetic is models/merge.ts,
// the same code the trainers run after LoRA training.
import fs from 'node:fs';
import path from 'node:path';
import { MERGE_DTYPES, type MergeDtype } from '../api/deploy.ts';
import type { Model } from '../api/schemas.ts';
import { fillHfFolder } from '../models/checkpoint.ts';
import { buildAndRegister, type ImportOptions } from '../models/import.ts';
import { mergedFolder } from '../models/merge.ts';
import { readPeftAdapter } from '../models/peft.ts';
import type { SafetensorsDtype } from '../models/safetensors.ts';
import { replaceFolderAtomic } from './replace-folder.ts';

export { MERGE_DTYPES, type MergeDtype };
const SAFETENSORS_DTYPE: Record<MergeDtype, SafetensorsDtype> = { fp32: 'F32', fp16: 'F16', bf16: 'BF16' };


/**
 * Merge into a folder at `out` (replaced atomically if it exists). An aborted `signal` stops the merge between
 * tensors, removes the temporary folder and leaves `out` as it was.
 */
export async function mergeToFolder(baseDir: string, adapterDir: string, out: string, dtype: MergeDtype = 'fp32', signal?: AbortSignal): Promise<{ dir: string; bytes: number }> {
  const contents = await mergedFolder(baseDir, readPeftAdapter(adapterDir), { dtype: SAFETENSORS_DTYPE[dtype], signal });
  await replaceFolderAtomic(out, (tmp) => fillHfFolder(tmp, contents, { signal }));
  return { dir: path.resolve(out), bytes: folderBytes(out) };
}

/** Merge and register the result as a model named `name`. */
export async function mergeAsModel(dataDir: string, base: Model, adapterDir: string, name: string, dtype: MergeDtype = 'fp32', opts: ImportOptions = {}): Promise<Model> {
  const adapter = readPeftAdapter(adapterDir); // a path that is no adapter folder: models/peft.ts' adapterFolderProblem
  return buildAndRegister(dataDir, name, `merge:${base.id}:${path.resolve(adapterDir)}`, async (tmp) => {
    opts.onProgress?.({ fraction: 0.1, message: 'merging the adapter into the base weights', bytesDone: 0, bytesTotal: 0 });
    const contents = await mergedFolder(base.path, adapter, { dtype: SAFETENSORS_DTYPE[dtype], signal: opts.signal });
    opts.onProgress?.({ fraction: 0.6, message: `writing ${dtype} weights`, bytesDone: 0, bytesTotal: 0 });
    await fillHfFolder(tmp, contents, { signal: opts.signal });
  }, opts);
}

export function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size;
  return n;
}
