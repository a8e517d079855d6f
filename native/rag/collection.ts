// Collections and the import of documents into them. An import reads every file (parse → chunk → embed), names
// each file it cannot take and why, and writes everything it took in one transaction at the end: a crash or a
// SIGKILL during an import leaves the collection exactly as it was.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { CollectionInput, type Collection, type DocsAddResult, type SkippedFile } from '../api/rag.ts';
import { noSafetensorsError } from '../models/checkpoint.ts';
import { parseModelConfig } from '../models/config.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { NewDocument } from '../store/collections.ts';
import type { Store } from '../store/db.ts';
import { chunkDocument, countWords, type TokenCounter } from './chunk.ts';
import { loadCollectionEmbedder, tokenCounterFor, type Embedder } from './embedder.ts';
import { isEncoderConfig, parseEncoderConfig } from './encoders.ts';
import { DocumentError, MAX_DOCUMENT_BYTES, formatOf, parseDocument, tooLargeReason } from './parse.ts';

/** A model given as a folder path or as the id or name of a model in the store: its folder. */
export function resolveModelDir(store: Store, ref: string, field: string): string {
  return resolveModel(store, ref, field).dir;
}

/** A model given as a folder path or as the id or name of a model in the store: its folder and store id (a folder the store holds counts as that model). */
export function resolveModel(store: Store, ref: string, field: string): { dir: string; modelId: string | null } {
  if (fs.existsSync(ref) && fs.statSync(ref).isDirectory()) {
    if (!fs.existsSync(path.join(ref, 'config.json'))) throw new StudioError('invalid_params', `${ref}: no config.json; give a Hugging Face model folder or the name of an imported model`, { field });
    const dir = path.resolve(ref);
    return { dir, modelId: store.models.list().find((m) => path.resolve(m.path) === dir)?.id ?? null };
  }
  const model = store.models.find(ref, field);
  return { dir: model.path, modelId: model.id };
}

/** The width of the vectors a model folder gives and the longest input it reads, in tokens. */
export function embeddingShape(dir: string): { dim: number; maxTokens: number } {
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (isEncoderConfig(config)) {
    const spec = parseEncoderConfig(config, file);
    return { dim: spec.dim, maxTokens: spec.maxTokens };
  }
  const spec = parseModelConfig(config, file);
  return { dim: spec.hiddenSize, maxTokens: spec.maxPositions };
}

export function createCollection(store: Store, raw: CollectionInput): Collection {
  const input = CollectionInput.parse(raw);
  const embed = input.embedModel ? resolveModel(store, input.embedModel, 'embedModel') : null;
  const embedModel = embed?.dir ?? null;
  // A quantised variant's prebuilt graph gives logits alone: refused here, not at the first import's model load.
  if (embedModel && isOnnxOnlyFolder(embedModel)) {
    // a variant Lathe quantised names its source; any other ONNX-only folder (a Hub mirror) says what it lacks
    const source = embed?.modelId ? store.models.variantSource(store.models.find(embed.modelId, 'embedModel')) : null;
    const why = source
      ? `${input.embedModel} is a quantised ONNX model: its prebuilt graph gives no hidden states, so it cannot embed; embed with '${source.name}', the model it was quantised from`
      : `${noSafetensorsError(embedModel).message}: a prebuilt ONNX graph gives no hidden states, so it cannot embed`;
    throw new StudioError('invalid_params', why, { field: 'embedModel' });
  }
  const tokenizerModel = input.tokenizerModel ? resolveModelDir(store, input.tokenizerModel, 'tokenizerModel') : embedModel;
  if (input.projectId && !store.projects.get(input.projectId)) throw new StudioError('not_found', `project ${input.projectId} does not exist; list them with 'lathe project list'`, { field: 'projectId' });
  const shape = embedModel ? embeddingShape(embedModel) : null;
  // A chunk and its special tokens ([CLS] … [SEP], a BOS) must fit the encoder, or its end would be cut unseen.
  if (shape && input.chunkTokens + 2 > shape.maxTokens) {
    throw new StudioError('invalid_params', `chunks of ${input.chunkTokens} tokens do not fit ${embedModel}, which reads at most ${shape.maxTokens} tokens; choose a chunk size of at most ${shape.maxTokens - 2}`, { field: 'chunkTokens' });
  }
  return store.collections.create({ ...input, embedModel, embedModelId: embed?.modelId ?? null, tokenizerModel }, shape?.dim ?? null);
}

export interface AddProgress {
  fraction: number;
  message: string;
}

export interface AddOptions {
  signal?: AbortSignal;
  onProgress?: (p: AddProgress) => void;
  intraOpNumThreads?: number;
  /** An embedder already loaded for this collection (the studio keeps one); loaded and released here otherwise. */
  embedder?: Embedder;
  /** The user's file names of uploaded copies, by path (see DocsAddInput.fileNames). */
  fileNames?: Record<string, string>;
}

/**
 * Files named directly, and the files under folders named (recursively, in name order); hidden entries skipped.
 * Each folder is read once, by its real path: a link back up the tree (two of them made an import run forever,
 * reading 2^40 paths) is left out. A file over `maxBytes` (parse.ts' MAX_DOCUMENT_BYTES) is skipped with its size
 * here, before any file is read.
 */
export function expandPaths(paths: readonly string[], maxBytes = MAX_DOCUMENT_BYTES): { files: string[]; skipped: SkippedFile[] } {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const foldersRead = new Set<string>();
  const visit = (p: string, named: boolean) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      skipped.push({ path: p, reason: 'no such file or folder' });
      return;
    }
    if (stat.isDirectory()) {
      const real = fs.realpathSync(p);
      if (foldersRead.has(real)) return;
      foldersRead.add(real);
      for (const e of fs.readdirSync(p).sort()) if (!e.startsWith('.')) visit(path.join(p, e), false);
    } else if (formatOf(p)) {
      const tooLarge = tooLargeReason(stat.size, maxBytes);
      if (tooLarge) skipped.push({ path: p, reason: tooLarge });
      else files.push(path.resolve(p));
    } else skipped.push({ path: p, reason: `not a document Lathe reads (.txt, .md, .html, .pdf, .docx)${named ? '' : '; left out of the folder'}` });
  };
  for (const p of paths) visit(p, true);
  return { files, skipped };
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new StudioError('conflict', 'the import was cancelled; the collection is unchanged');
}

/** The reason a file is skipped when its content is in the collection already (or earlier in the same import). */
export const ALREADY_IN_COLLECTION = 'the same content is already in the collection';

/** Import documents into a collection: all that can be read, in one transaction; the rest listed with reasons. */
export async function addDocuments(store: Store, collectionRef: string, paths: readonly string[], opts: AddOptions = {}): Promise<DocsAddResult> {
  const col = store.collections.find(collectionRef);
  const given = new Map(Object.entries(opts.fileNames ?? {}).map(([p, name]) => [path.resolve(p), path.basename(name)]));
  const shownAs = (file: string) => given.get(path.resolve(file)) ?? file;
  const { files, skipped: unreadable } = expandPaths(paths);
  const skipped = unreadable.map((s) => ({ ...s, path: shownAs(s.path) }));
  const report = (fraction: number, message: string) => opts.onProgress?.({ fraction, message });
  const embedder = opts.embedder ?? (col.embedModel ? await loadCollectionEmbedder({ name: col.name, embedModel: col.embedModel }, { intraOpNumThreads: opts.intraOpNumThreads }) : null);
  const count: TokenCounter = embedder && col.tokenizerModel === col.embedModel ? embedder.countTokens : col.tokenizerModel ? tokenCounterFor(col.tokenizerModel) : countWords;
  const pending: NewDocument[] = [];
  const seen = new Map<string, string>();
  try {
    for (const [i, file] of files.entries()) {
      throwIfCancelled(opts.signal);
      const shown = shownAs(file);
      report(i / Math.max(1, files.length) * 0.95, `reading ${path.basename(shown)} (${i + 1} of ${files.length})`);
      const bytes = fs.readFileSync(file);
      const contentHash = crypto.createHash('sha256').update(bytes).digest('hex');
      const already = store.collections.hasContent(col.id, contentHash);
      if (already || seen.has(contentHash)) {
        skipped.push({ path: shown, reason: `${ALREADY_IN_COLLECTION} (${already?.sourcePath ?? seen.get(contentHash)})` });
        continue;
      }
      try {
        const parsed = await parseDocument(file, bytes);
        const chunks = chunkDocument(parsed.text, parsed.blocks, { size: col.chunkTokens, overlap: col.overlapTokens, count });
        if (!chunks.length) throw new DocumentError(file, 'no text in it');
        const vectors = embedder ? await embedder.embed(chunks.map((c) => c.text)) : null;
        pending.push({ name: path.basename(shown), sourcePath: shown, format: parsed.format, contentHash, charCount: parsed.text.length, pageCount: parsed.pageCount, chunks, vectors });
        seen.set(contentHash, shown);
      } catch (err) {
        if (!(err instanceof DocumentError)) throw err;
        skipped.push({ path: shown, reason: err.message.split(file).join(shown) });
      }
    }
    throwIfCancelled(opts.signal);
    report(0.95, `writing ${pending.length} document${pending.length === 1 ? '' : 's'}`);
    const imported = store.collections.addDocuments(col.id, pending);
    report(1, `imported ${imported.length}, skipped ${skipped.length}`);
    return { imported, skipped };
  } finally {
    if (embedder && !opts.embedder) await embedder.release();
  }
}
