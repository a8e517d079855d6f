// Hugging Face model folders: config.json, generation_config.json, model.safetensors or shards listed in
// model.safetensors.index.json, tokenizer.json + tokenizer_config.json. Reading is lazy (one tensor at a
// time); writing builds the folder in a temporary sibling and renames it into place.
import fs from 'node:fs';
import path from 'node:path';
import { parseModelConfig, type ModelSpec } from './config.ts';
import { CheckpointError, SafetensorsFile, numel, showValue, writeSafetensors, type Tensor, type SafetensorsDtype } from './safetensors.ts';
import { writeFolderAtomic, writeJsonAtomic } from './atomic.ts';
import { parseJsonText } from '../api/json-text.ts';
import { readSideFile } from '../text/side-file.ts';

export const INDEX_FILE = 'model.safetensors.index.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** PyTorch's pickled weights, whole or sharded, as transformers wrote them before safetensors became its default. */
const PYTORCH_WEIGHTS = /^pytorch_model(-\d+-of-\d+)?\.bin$/;

/**
 * The refusal of a folder with no safetensors weights. PyTorch .bin weights in their place are the common case
 * (older Hub repositories), so then it says what to do: Lathe never unpickles, the user fetches or converts.
 */
export function noSafetensorsError(dir: string): CheckpointError {
  const pytorch = fs.readdirSync(dir).filter((f) => PYTORCH_WEIGHTS.test(f)).sort();
  if (pytorch.length === 0) return new CheckpointError(`${dir}: no ${WEIGHTS_FILE} or ${INDEX_FILE} (Lathe reads safetensors weights)`);
  const found = pytorch.length === 1 ? pytorch[0] : `${pytorch.length} shards, ${pytorch[0]} …`;
  return new CheckpointError(
    `${dir}: holds PyTorch weights (${found}) but no ${WEIGHTS_FILE}; Lathe reads safetensors weights only, never pickled .bin files. ` +
    "Put safetensors weights in this folder: download the model's .safetensors files from its Hugging Face page (for an older " +
    'repository they are often in an open pull request, revision refs/pr/N), or convert where PyTorch is installed: load the folder ' +
    'with transformers (from_pretrained) and save it with save_pretrained(folder, safe_serialization=True)',
  );
}

/** The tensors of a checkpoint, possibly spread over several safetensors shards. */
export class CheckpointWeights {
  private constructor(
    readonly dir: string,
    private readonly files: SafetensorsFile[],
    private readonly where: Map<string, SafetensorsFile>,
  ) {}

  static open(dir: string): CheckpointWeights {
    const indexPath = path.join(dir, INDEX_FILE);
    const single = path.join(dir, WEIGHTS_FILE);
    if (fs.existsSync(indexPath)) {
      const weightMap = (readJson(indexPath) as { weight_map?: unknown } | null)?.weight_map;
      if (!weightMap || typeof weightMap !== 'object' || Array.isArray(weightMap)) {
        throw new CheckpointError(`${indexPath}: field 'weight_map' is missing or not an object of tensor name → shard file`);
      }
      const byFile = new Map<string, SafetensorsFile>();
      const where = new Map<string, SafetensorsFile>();
      try {
        for (const [name, shard] of Object.entries(weightMap)) {
          if (!isPlainFileName(shard)) throw new CheckpointError(`${indexPath}: field 'weight_map.${name}' is ${showValue(shard)}, not the file name of a shard in this folder`);
          let f = byFile.get(shard);
          if (!f) {
            // Said of the index, which is what names the shard: a bare ENOENT on the shard reads as Lathe's fault.
            if (!fs.existsSync(path.join(dir, shard))) throw new CheckpointError(`${indexPath}: maps '${name}' to ${shard}, which is not in the folder; download the missing shard (or the whole model again) into ${dir}`);
            f = SafetensorsFile.open(path.join(dir, shard));
            byFile.set(shard, f);
          }
          if (!f.has(name)) throw new CheckpointError(`${indexPath}: '${name}' is mapped to ${shard}, which does not contain it`);
          where.set(name, f);
        }
      } catch (err) {
        for (const f of byFile.values()) f.close();
        throw err;
      }
      return new CheckpointWeights(dir, [...byFile.values()], where);
    }
    if (fs.existsSync(single)) {
      const f = SafetensorsFile.open(single);
      return new CheckpointWeights(dir, [f], new Map([...f.tensors.keys()].map((n) => [n, f])));
    }
    if (fs.existsSync(path.join(dir, 'onnx'))) throw new CheckpointError(`${dir}: a quantised ONNX model (weights only in onnx/); it runs for generation, evaluation and serving, but training, merging and export need its source model's safetensors weights`);
    throw noSafetensorsError(dir);
  }

  names(): string[] {
    return [...this.where.keys()];
  }

  has(name: string): boolean {
    return this.where.has(name);
  }

  shape(name: string): number[] {
    const f = this.where.get(name);
    if (!f) throw new CheckpointError(`${this.dir}: checkpoint has no tensor '${name}'`);
    return f.tensors.get(name)!.shape;
  }

  /** Read a tensor and check its shape against what the architecture expects. */
  read(name: string, expectedShape?: number[]): Tensor {
    const f = this.where.get(name);
    if (!f) throw new CheckpointError(`${this.dir}: checkpoint has no tensor '${name}'${expectedShape ? ` (expected shape ${JSON.stringify(expectedShape)})` : ''}`);
    const info = f.tensors.get(name)!;
    if (expectedShape && (info.shape.length !== expectedShape.length || info.shape.some((d, i) => d !== expectedShape[i]))) {
      throw new CheckpointError(`${f.file}: tensor '${name}' has shape ${JSON.stringify(info.shape)} but config.json implies ${JSON.stringify(expectedShape)}`);
    }
    return f.read(name);
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}

/**
 * A name that stays in the folder it is joined to: non-empty, no folder part on any platform (a backslash is one on
 * Windows), no NUL. A shard an index names must be one, and so must a file a Hub listing offers to download.
 */
export function isPlainFileName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read (${(err as Error).message})`);
  }
  return parseJsonText(text, file);
}

function readJsonIfExists(file: string): Record<string, unknown> | null {
  return fs.existsSync(file) ? (readJson(file) as Record<string, unknown>) : null;
}

export interface HfFolder {
  dir: string;
  config: Record<string, unknown>;
  spec: ModelSpec;
  generationConfig: Record<string, unknown> | null;
  tokenizer: Record<string, unknown> | null;
  tokenizerConfig: Record<string, unknown> | null;
}

/** Read a model folder's JSON files (not its weights). */
export function readHfFolder(dir: string): HfFolder {
  const configPath = path.join(dir, 'config.json');
  if (!fs.existsSync(configPath)) throw new CheckpointError(`${dir}: no config.json; is this a Hugging Face model folder?`);
  const config = readJson(configPath) as Record<string, unknown>;
  return {
    dir,
    config,
    spec: parseModelConfig(config, configPath),
    generationConfig: readJsonIfExists(path.join(dir, 'generation_config.json')),
    tokenizer: readJsonIfExists(path.join(dir, 'tokenizer.json')),
    tokenizerConfig: readJsonIfExists(path.join(dir, 'tokenizer_config.json')),
  };
}

/** The tokenizer's side files readHfFolder leaves out, which a folder written from this one carries as they are (extraFiles). */
export const TOKENIZER_SIDE_FILES = ['special_tokens_map.json', 'chat_template.jinja'] as const;

/** `dir`'s TOKENIZER_SIDE_FILES that exist, byte for byte, as extraFiles: a model written from it keeps its chat template and special tokens. */
export function tokenizerSideFiles(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const f of TOKENIZER_SIDE_FILES) {
    const bytes = readSideFile(path.join(dir, f));
    if (bytes) out[f] = bytes;
  }
  return out;
}

export interface HfFolderContents {
  config: Record<string, unknown>;
  tensors: Map<string, Tensor>;
  generationConfig?: Record<string, unknown>;
  tokenizer?: Record<string, unknown>;
  tokenizerConfig?: Record<string, unknown>;
  specialTokensMap?: Record<string, unknown>;
  /** Extra files (name → bytes or text), e.g. a Lathe tokenizer. */
  extraFiles?: Record<string, string | Uint8Array>;
  dtype?: SafetensorsDtype;
  /** Split weights into shards of at most this many bytes (plus index.json); default: one file. */
  maxShardBytes?: number;
}

/** Write a complete HF folder at `dir` atomically: it appears whole or not at all. */
export async function writeHfFolder(dir: string, c: HfFolderContents): Promise<void> {
  parseModelConfig(c.config, path.join(dir, 'config.json')); // refuse to write a folder we could not read back
  await writeFolderAtomic(dir, (tmp) => fillHfFolder(tmp, c));
}

/** Write the folder's files into `dir`, an existing (temporary) directory; `signal` stops the weights' write between tensors (the caller removes `dir`). */
export async function fillHfFolder(dir: string, c: HfFolderContents, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await writeJsonAtomic(path.join(dir, 'config.json'), c.config);
  if (c.generationConfig) await writeJsonAtomic(path.join(dir, 'generation_config.json'), c.generationConfig);
  if (c.tokenizer) await writeJsonAtomic(path.join(dir, 'tokenizer.json'), c.tokenizer);
  if (c.tokenizerConfig) await writeJsonAtomic(path.join(dir, 'tokenizer_config.json'), c.tokenizerConfig);
  if (c.specialTokensMap) await writeJsonAtomic(path.join(dir, 'special_tokens_map.json'), c.specialTokensMap);
  for (const [name, body] of Object.entries(c.extraFiles ?? {})) fs.writeFileSync(path.join(dir, name), body);
  await writeWeights(dir, c.tensors, c.dtype ?? 'F32', c.maxShardBytes, opts.signal);
}

async function writeWeights(dir: string, tensors: Map<string, Tensor>, dtype: SafetensorsDtype, maxShardBytes?: number, signal?: AbortSignal): Promise<void> {
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const total = [...tensors.values()].reduce((s, t) => s + numel(t.shape) * bytesPer, 0);
  if (!maxShardBytes || total <= maxShardBytes) {
    await writeSafetensors(path.join(dir, WEIGHTS_FILE), tensors, { dtype, signal });
    return;
  }
  const shards: Map<string, Tensor>[] = [new Map()];
  let size = 0;
  for (const [name, t] of tensors) {
    const n = numel(t.shape) * bytesPer;
    if (size > 0 && size + n > maxShardBytes) {
      shards.push(new Map());
      size = 0;
    }
    shards[shards.length - 1].set(name, t);
    size += n;
  }
  const weightMap: Record<string, string> = {};
  const width = 5;
  for (let i = 0; i < shards.length; i++) {
    const file = `model-${String(i + 1).padStart(width, '0')}-of-${String(shards.length).padStart(width, '0')}.safetensors`;
    await writeSafetensors(path.join(dir, file), shards[i], { dtype, signal });
    for (const name of shards[i].keys()) weightMap[name] = file;
  }
  await writeJsonAtomic(path.join(dir, INDEX_FILE), { metadata: { total_size: total }, weight_map: weightMap });
}
