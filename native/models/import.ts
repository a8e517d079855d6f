// Bringing a model into the data directory: a Hugging Face folder (copied, or moved when it is a training
// output already inside the data directory) or a llama2.c checkpoint (converted). The 'model-import' job
// (import-worker.ts), `lathe model import`, Hub downloads and training outputs all run this same code, so a
// multi-GB copy never runs in the studio's process. Each import checks the source first (naming the file and
// tensor at fault), builds the model in <dataDir>/models/.import-<id>-<pid>/ (same disk, so the final rename is
// atomic), fsyncs every file, checks the copy, renames it to models/<id>/ and only then writes the DB row.
// Cancelling (the signal) stops between chunks and removes the temporary folder.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { stopIfCancelled } from './atomic.ts';
import { humanBytes } from '../api/format.ts';
import type { Model } from '../api/schemas.ts';
import { newId, openStore, type Store } from '../store/db.ts';
import { markInUse } from '../store/in-use.ts';
import { CheckpointWeights, INDEX_FILE, WEIGHTS_FILE, fillHfFolder, noSafetensorsError, readHfFolder } from './checkpoint.ts';
import { SENTENCE_TRANSFORMERS_FILES, readEncoderFolder, type ModelKind } from './encoder-config.ts';
import { llama2cToHf } from './llama2c.ts';
import { expectedTensors, parameterCounts } from './params.ts';
import { isOnnxOnlyFolder, onnxVariantFile } from './onnx-variants.ts';
import { modelsDir } from './registry.ts';
import { sweepDeadImports, TEMP_PREFIX } from './import-temp.ts';
import { modelFolderProblem } from './import-hints.ts';
import { CheckpointError, SafetensorsFile, type TensorInfo } from './safetensors.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { noSuchPath } from '../store/near-files.ts';

export { sweepDeadImports }; // studio/deploy.ts sweeps through here after its own imports

export interface ImportProgress {
  /** 0..1 of the whole import. */
  fraction: number;
  /** What is happening, in words: the file being copied and the bytes so far. */
  message: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Least time between two progress reports inside one file (file boundaries always report). */
  progressIntervalMs?: number;
  /**
   * The source folder is the caller's to give away (a training run's output): when it lies inside the data
   * directory (same disk, so a rename is atomic) its files are renamed into place instead of copied, so a big
   * merged model never takes its size twice. A failed import moves them back. Elsewhere the files are copied.
   */
  move?: boolean;
  /**
   * What made the folder, recorded as the model's `source` (`kind:detail`): training outputs give
   * `pretrain:<runId>`, `finetune:<runId>` or `finetune-merge:<runId>`, Hub downloads `hub:<owner>/<name>`.
   * Default `import:<folder>`.
   */
  source?: string;
  /**
   * Runs in the same transaction as the model's row, so whatever it records (a quantise job's list of variants
   * to undo) and the row itself are both written or neither is, even when the process is killed between them.
   */
  onRegistered?: (store: Store, model: Model) => void;
}

/** Job params of the 'model-import' kind. */
export type ModelImportParams = { source: 'folder'; path: string; name: string } | { source: 'llama2c'; checkpoint: string; tokenizer: string; name: string };

const SIDE_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja'];
const CHUNK_BYTES = 8 * 1024 * 1024;
const READABLE_DTYPES = new Set(['F32', 'F16', 'BF16']);

/** Refuse a name another model already has, before any work. */
export function requireFreeName(dataDir: string, name: string): void {
  if (!name.trim()) throw new StudioError('invalid_params', 'a model needs a non-empty name', { field: 'name' });
  const store = openStore(dataDir);
  try {
    store.models.requireFreeName(name);
  } finally {
    store.close();
  }
}

/** The weight files a folder's checkpoint is made of: the shards its index names, or model.safetensors. */
function weightFiles(dir: string): string[] {
  if (!fs.existsSync(path.join(dir, INDEX_FILE))) return [WEIGHTS_FILE];
  const weights = CheckpointWeights.open(dir); // checks the index against the shards' headers, naming the file
  weights.close();
  const index = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as { weight_map: Record<string, string> };
  return [...new Set(Object.values(index.weight_map))].sort();
}

/** What checkModelFolder found: the kind of model, what to record about it and the files to copy. */
export interface CheckedFolder {
  kind: ModelKind;
  architecture: string;
  parameterCount: number;
  files: string[];
}

const TOKENIZER_MISSING = (dir: string) => `${path.join(dir, 'tokenizer.json')}: missing; Lathe needs the model's Hugging Face tokenizer next to config.json`;

/**
 * The folder's tokenizer builds and round-trips a sentence (TextTokenizer checks both), so a tokenizer.json that
 * is valid JSON but no tokenizer is refused here, naming the file, not at the model's first generation.
 */
function checkTokenizer(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'tokenizer.json'))) throw new CheckpointError(TOKENIZER_MISSING(dir));
  try {
    TextTokenizer.fromFolder(dir);
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    throw new CheckpointError(`${err.message}; replace it with the tokenizer files from the model's source`);
  }
}

/** Every tensor of the folder's safetensors weights, by name, with the shard holding it. */
function readTensorHeaders(dir: string): { shards: string[]; where: Map<string, { file: string; info: TensorInfo }> } {
  const shards = weightFiles(dir);
  const where = new Map<string, { file: string; info: TensorInfo }>();
  for (const shard of shards) {
    const file = path.join(dir, shard);
    if (!fs.existsSync(file)) throw noSafetensorsError(dir);
    const f = SafetensorsFile.open(file);
    for (const info of f.tensors.values()) where.set(info.name, { file, info });
    f.close();
  }
  return { shards, where };
}

/**
 * A sentence encoder's folder (encoder-config.ts says which): its config is checked field by field, its weights'
 * headers read (dtypes readable, the word embedding as wide as the config says) and counted; the
 * sentence-transformers files (pooling, prompts) travel with it.
 */
function checkEncoderFolder(dir: string): CheckedFolder | null {
  const encoder = (() => {
    try {
      return readEncoderFolder(dir);
    } catch (err) {
      throw new CheckpointError((err as Error).message);
    }
  })();
  if (!encoder) return null;
  checkTokenizer(dir);
  const { shards, where } = readTensorHeaders(dir);
  let parameterCount = 0;
  for (const { file, info } of where.values()) {
    if (!READABLE_DTYPES.has(info.dtype)) throw new CheckpointError(`${file}: tensor '${info.name}' has dtype ${info.dtype}; Lathe reads F32, F16 and BF16 weights (dequantise the model first)`);
    parameterCount += info.shape.reduce((a, b) => a * b, 1);
  }
  const embedding = [...where.values()].find(({ info }) => /(^|\.)embeddings\.word_embeddings\.weight$/.test(info.name));
  if (!embedding) throw new CheckpointError(`${dir}: config.json describes the encoder ${encoder.architecture} but the weights have no word embedding ('embeddings.word_embeddings.weight'); the checkpoint is incomplete or for another architecture`);
  if (embedding.info.shape[1] !== encoder.dim) throw new CheckpointError(`${embedding.file}: tensor '${embedding.info.name}' has shape ${JSON.stringify(embedding.info.shape)} but config.json's hidden size is ${encoder.dim}; the weights do not match config.json`);
  const present = [...SIDE_FILES, ...SENTENCE_TRANSFORMERS_FILES].filter((f) => fs.existsSync(path.join(dir, f)));
  const index = shards[0] === WEIGHTS_FILE ? [] : [INDEX_FILE];
  return { kind: 'encoder', architecture: encoder.architecture, parameterCount, files: [...present, ...index, ...shards] };
}

/**
 * Check that `dir` is a folder Lathe can run, reading only JSON and safetensors headers: every tensor the
 * config implies is there with its shape and a readable dtype. Errors name the file and the tensor.
 * A sentence encoder (BERT family, nomic) is an embedding model; anything else must be a decoder Lathe runs.
 */
export function checkModelFolder(dir: string): CheckedFolder {
  const problem = modelFolderProblem(dir);
  if (problem) throw new CheckpointError(problem);
  const encoder = checkEncoderFolder(dir);
  if (encoder) return encoder;
  const folder = readHfFolder(dir);
  checkTokenizer(dir);
  const spec = folder.spec;
  const decoder = (files: string[]): CheckedFolder => ({ kind: 'decoder', architecture: spec.architecture, parameterCount: parameterCounts(spec).total, files });
  if (isOnnxOnlyFolder(dir)) {
    // A quantised model: its weights are the graph named by config.json's transformers.js dtype.
    const onnx = path.relative(dir, onnxVariantFile(dir, folder.config));
    const present = SIDE_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
    const data = fs.existsSync(path.join(dir, `${onnx}_data`)) ? [`${onnx}_data`] : [];
    return decoder([...present, onnx, ...data]);
  }
  const { shards, where } = readTensorHeaders(dir);
  for (const t of expectedTensors(spec)) {
    const name = [t.name, ...(t.aliases ?? [])].find((n) => where.has(n));
    if (!name) throw new CheckpointError(`${dir}: config.json describes ${spec.architecture} but the weights lack '${t.name}' (shape ${JSON.stringify(t.shape)}); the checkpoint is incomplete or for another architecture`);
    const { file, info } = where.get(name)!;
    if (info.shape.length !== t.shape.length || info.shape.some((d, i) => d !== t.shape[i])) {
      throw new CheckpointError(`${file}: tensor '${name}' has shape ${JSON.stringify(info.shape)} but config.json implies ${JSON.stringify(t.shape)}; the weights do not match config.json`);
    }
    if (!READABLE_DTYPES.has(info.dtype)) throw new CheckpointError(`${file}: tensor '${name}' has dtype ${info.dtype}; Lathe reads F32, F16 and BF16 weights (dequantise the model first)`);
  }
  const present = SIDE_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  const index = shards[0] === WEIGHTS_FILE ? [] : [INDEX_FILE];
  return decoder([...present, ...index, ...shards]);
}

function fsyncPath(p: string): void {
  try {
    const fd = fs.openSync(p, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

/** Copy one file in chunks (so cancel and progress get a turn), then fsync it. */
async function copyFile(src: string, dest: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const input = await fs.promises.open(src, 'r').catch((err: Error) => { throw new CheckpointError(`${src}: cannot open (${err.message})`); });
  try {
    const output = await fs.promises.open(dest, 'wx');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (let pos = 0; ; ) {
        await stopIfCancelled(signal, 'the import');
        const { bytesRead } = await input.read(buffer, 0, CHUNK_BYTES, pos);
        if (bytesRead === 0) break;
        await output.write(buffer, 0, bytesRead);
        pos += bytesRead;
        onBytes(bytesRead);
      }
      await output.sync();
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/**
 * Build a model folder with `fill` in a temporary folder inside the data directory, check it, move it into
 * models/<id>/ and record it. Whatever fails or is cancelled, nothing is left behind.
 */
export async function buildAndRegister(dataDir: string, name: string, source: string, fill: (tmp: string) => Promise<void>, opts: ImportOptions, undoFill?: (built: string) => void): Promise<Model> {
  requireFreeName(dataDir, name);
  sweepDeadImports(dataDir);
  const id = newId('mdl');
  const finalDir = path.join(modelsDir(dataDir), id);
  const tmp = path.join(modelsDir(dataDir), `${TEMP_PREFIX}${id}-${process.pid}`);
  // Between the rename and the row, models/<id>/ has no row: this marker, written before the rename and removed once
  // the row is in (or all is undone), keeps the orphan sweep (orphan-folders.ts) off it however long the fill took.
  const building = markInUse(dataDir, `a 'lathe' process building the model '${name}'`, { models: [id] });
  fs.mkdirSync(tmp, { recursive: true });
  let moved = false;
  try {
    await fill(tmp);
    // a fill that computes (a merge, a quantisation) keeps the event loop busy: stopIfCancelled lets a Ctrl-C reach the signal
    await stopIfCancelled(opts.signal, 'the import');
    opts.onProgress?.({ fraction: 0.99, message: 'checking the copy', bytesDone: 0, bytesTotal: 0 });
    const checked = checkModelFolder(tmp);
    fsyncPath(tmp);
    await stopIfCancelled(opts.signal, 'the import');
    fs.renameSync(tmp, finalDir);
    moved = true;
    fsyncPath(modelsDir(dataDir));
    const store = openStore(dataDir);
    try {
      const config = JSON.parse(fs.readFileSync(path.join(finalDir, 'config.json'), 'utf8')) as unknown;
      return store.db.transaction(() => {
        store.models.requireFreeName(name); // checked again: another import may have taken the name while this one copied
        const model = store.models.create({ id, name, kind: checked.kind, architecture: checked.architecture, path: finalDir, config, parameterCount: checked.parameterCount, source });
        opts.onRegistered?.(store, model);
        return model;
      }).immediate();
    } finally {
      store.close();
    }
  } catch (err) {
    undoFill?.(moved ? finalDir : tmp);
    fs.rmSync(moved ? finalDir : tmp, { recursive: true, force: true });
    throw err;
  } finally {
    building.release();
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Import a Hugging Face folder: check it, copy (or move, see `ImportOptions.move`) what Lathe needs with progress per file, register it. */
export async function importModelFolder(dataDir: string, src: string, name: string, opts: ImportOptions = {}): Promise<Model> {
  const from = path.resolve(src);
  const { files } = checkModelFolder(from); // fail before copying gigabytes, or making the data directory
  requireFreeName(dataDir, name);
  if (opts.move && isInside(dataDir, from)) return moveModelFolder(dataDir, from, files, name, opts);
  const sizes = files.map((f) => fs.statSync(path.join(from, f)).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const interval = opts.progressIntervalMs ?? 250;
  let done = 0;
  let last = 0;
  return buildAndRegister(dataDir, name, opts.source ?? `import:${from}`, async (tmp) => {
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      let fileDone = 0;
      const report = (force: boolean) => {
        const now = Date.now();
        if (!force && now - last < interval) return;
        last = now;
        const message = `copying ${file} (file ${i + 1} of ${files.length}): ${humanBytes(fileDone)} of ${humanBytes(sizes[i])}; ${humanBytes(done)} of ${humanBytes(total)} in all`;
        opts.onProgress?.({ fraction: total ? Math.min(0.98, (0.98 * done) / total) : 0, message, bytesDone: done, bytesTotal: total });
      };
      report(true);
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true }); // onnx/ of a quantised model
      await copyFile(path.join(from, file), path.join(tmp, file), (n) => {
        fileDone += n;
        done += n;
        report(false);
      }, opts.signal);
      if (fileDone !== sizes[i]) throw new CheckpointError(`${path.join(from, file)}: changed while it was copied (${sizes[i]} bytes at the start, ${fileDone} copied); import it again once nothing writes to it`);
      report(true);
    }
  }, opts);
}

/** Rename a folder's files into the new model folder (the source is emptied of them); a failure renames them back. */
function moveModelFolder(dataDir: string, from: string, files: string[], name: string, opts: ImportOptions): Promise<Model> {
  const fill = async (tmp: string) => {
    for (const [i, file] of files.entries()) {
      await stopIfCancelled(opts.signal, 'the import');
      opts.onProgress?.({ fraction: (0.98 * i) / files.length, message: `moving ${file} (file ${i + 1} of ${files.length})`, bytesDone: 0, bytesTotal: 0 });
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.renameSync(path.join(from, file), path.join(tmp, file));
    }
  };
  const moveBack = (built: string) => {
    for (const file of files) if (fs.existsSync(path.join(built, file))) fs.renameSync(path.join(built, file), path.join(from, file));
  };
  return buildAndRegister(dataDir, name, opts.source ?? `import:${from}`, fill, opts, moveBack);
}

/** Convert a llama2.c checkpoint + tokenizer into a Hugging Face folder and register it. */
export async function importLlama2cCheckpoint(dataDir: string, ckpt: string, tokenizer: string, name: string, opts: ImportOptions = {}): Promise<Model> {
  const [ckptPath, tokPath] = [path.resolve(ckpt), path.resolve(tokenizer)];
  for (const f of [ckptPath, tokPath]) {
    const what = f === ckptPath ? 'checkpoint (CKPT.bin)' : 'tokenizer (--tokenizer TOK.bin)';
    if (!fs.existsSync(f)) throw new CheckpointError(`${f}: ${noSuchPath(f, { of: `the ${what}` })}`);
    if (!fs.statSync(f).isFile()) throw new CheckpointError(`${f} is a folder; give the ${what} file itself`);
  }
  // converted (a copy in memory, as run.c reads it whole) before anything is written or reported: a file that is not
  // a llama2.c checkpoint or tokenizer is refused with no progress line and no data directory made
  const contents = llama2cToHf(ckptPath, tokPath);
  requireFreeName(dataDir, name);
  const total = fs.statSync(ckptPath).size;
  return buildAndRegister(dataDir, name, `llama2c:${ckptPath}`, async (tmp) => {
    opts.onProgress?.({ fraction: 0.5, message: `writing the Hugging Face folder (${humanBytes(total)})`, bytesDone: total / 2, bytesTotal: total });
    await fillHfFolder(tmp, contents, { signal: opts.signal });
  }, opts);
}

/** Run a 'model-import' job's params (the worker and tests call this). */
export function runModelImport(dataDir: string, p: ModelImportParams, opts: ImportOptions): Promise<Model> {
  return p.source === 'folder' ? importModelFolder(dataDir, p.path, p.name, opts) : importLlama2cCheckpoint(dataDir, p.checkpoint, p.tokenizer, p.name, opts);
}

/** Checkpoint problems are the user's to fix: give them the API's shape (code, file). */
export function asImportError(err: unknown): unknown {
  if (err instanceof CheckpointError) {
    const file = /^(.+?): /.exec(err.message)?.[1];
    return new StudioError('invalid_params', err.message, file ? { file } : undefined);
  }
  return err;
}
