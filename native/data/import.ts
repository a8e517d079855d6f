// Dataset import: stream a file through its parser into datasets/<id>/ (rows, offsets index, seeded splits),
// then insert the database row in one transaction. The CLI calls importDataset directly; the job worker
// (import-worker.ts) calls the same function in a child process. Memory stays bounded whatever the file size.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { StudioError } from '../api/errors.ts';
import { plural } from '../api/format.ts';
import { Dataset, DatasetImportInput, SPLITS, type ColumnMapping } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import { newId, nowIso } from '../store/ids.ts';
import { LineDecoder } from './decode.ts';
import { SUPPORTED_EXTENSIONS, detectFormat } from './formats.ts';
import { suggestMapping } from './mapping.ts';
import { createParser, FormatError, type RecordSink } from './parsers.ts';
import { assignSplits, checkFractions, splitCounts } from './splits.ts';
import { BufferedFile, datasetDir, datasetsRoot, fsyncDir, sweepIncompleteImports, tempDatasetDir, writeFileDurably } from './files.ts';
import { diskFullError } from '../store/disk-full.ts';

/** How many skipped rows are kept in the database record; all of them go to skipped.jsonl. */
const SKIPPED_IN_RECORD = 1000;
const PROGRESS_INTERVAL_MS = 150;

export interface ImportProgress {
  fraction: number;
  message: string;
  etaSeconds: number | null;
}

export interface ImportContext {
  store: Store;
  dataDir: string;
  signal?: AbortSignal;
  onProgress?(p: ImportProgress): void;
  log?(level: 'info' | 'warn', line: string): void;
}

export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
    this.name = 'AbortError';
  }
}

const SKIP_HINT = 'Fix or remove that line and import again, or import with "skip invalid rows" (--skip-invalid) to leave out the rows that cannot be read.';

/** Check what can be checked before any byte is read, so the API can refuse at once instead of failing a job. */
export function precheckImport(input: DatasetImportInput, store: Store): { file: string; shown: string; format: ReturnType<typeof detectFormat>; params: ReturnType<typeof DatasetImportInput.parse> } {
  const params = DatasetImportInput.parse(input);
  const file = path.resolve(params.path);
  // What messages call the file: the user's own name for an upload, else the path they gave.
  const shown = params.fileName ?? file;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    const hint = params.fileName ? 'Upload it again.' : `Check the path (relative paths are resolved from ${process.cwd()}).`;
    throw new StudioError('invalid_params', `${shown}: no such file. ${hint}`, { file: shown, field: 'path' });
  }
  if (stat.isDirectory()) throw new StudioError('invalid_params', `${shown} is a folder; give the dataset file in it (${SUPPORTED_EXTENSIONS.join(', ')}).`, { file: shown, field: 'path' });
  if (!stat.isFile()) throw new StudioError('invalid_params', `${shown} is not a file.`, { file: shown, field: 'path' });
  // after the checks above, so a folder or a missing file is called that rather than an unknown format
  const format = detectFormat(file, params.fileName ?? path.basename(file));
  if (params.projectId !== null) store.projects.find(params.projectId);
  store.datasets.requireFreeName(params.name);
  checkFractions(params.split);
  return { file, shown, format, params };
}

function openSource(file: string, compressed: boolean, onRaw: (chunk: Buffer) => void): Readable {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  raw.on('data', (chunk) => onRaw(chunk as Buffer));
  if (!compressed) return raw;
  const gunzip = zlib.createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

export async function importDataset(input: DatasetImportInput, ctx: ImportContext): Promise<Dataset> {
  const { file, shown, format, params } = precheckImport(input, ctx.store);
  const name = params.fileName ?? path.basename(file);
  sweepIncompleteImports(ctx.dataDir, ctx.store.datasets.ids());
  const id = newId('ds');
  const temp = tempDatasetDir(ctx.dataDir, id);
  fs.mkdirSync(temp, { recursive: true });
  const rows = new BufferedFile(path.join(temp, 'rows.jsonl'));
  const index = new BufferedFile(path.join(temp, 'index.bin'));
  const skippedFile = new BufferedFile(path.join(temp, 'skipped.jsonl'));
  const offsetBuf = Buffer.alloc(8);
  const writeOffset = (o: number) => {
    offsetBuf.writeBigUInt64LE(BigInt(o));
    index.write(offsetBuf);
  };

  let columns: string[] | null = null;
  let columnSet = new Set<string>();
  let rowCount = 0;
  let skippedCount = 0;
  const skipped: { line: number; reason: string }[] = [];
  const sink: RecordSink = {
    record(values, line) {
      if (columns === null) {
        columns = Object.keys(values);
        columnSet = new Set(columns);
        if (columns.length === 0) return this.invalid(line, 'the row has no fields');
      } else {
        const missing = columns.find((c) => !Object.prototype.hasOwnProperty.call(values, c));
        if (missing !== undefined) return this.invalid(line, `missing field '${missing}' (every row needs the columns of the first row: ${columns.join(', ')})`, missing);
        const extra = Object.keys(values).find((k) => !columnSet.has(k));
        if (extra !== undefined) return this.invalid(line, `field '${extra}' is not among the first row's columns (${columns.join(', ')})`, extra);
      }
      let json: string;
      try {
        json = JSON.stringify(values);
      } catch {
        // JSON.parse reads any depth but JSON.stringify recurses: a row nested thousands deep cannot be stored.
        return this.invalid(line, 'the row is nested too deeply to store (thousands of levels of arrays or objects)');
      }
      writeOffset(rows.bytes);
      rows.write(`${json}\n`);
      rowCount++;
    },
    invalid(line, reason, field) {
      if (!params.skipInvalid) {
        throw new StudioError('invalid_params', `${name} line ${line}: ${reason}. ${SKIP_HINT}`, { file: shown, line, ...(field ? { field } : {}), hint: SKIP_HINT });
      }
      skippedCount++;
      if (skipped.length < SKIPPED_IN_RECORD) skipped.push({ line, reason });
      skippedFile.write(`${JSON.stringify({ line, reason, ...(field ? { field } : {}) })}\n`);
    },
  };

  const totalBytes = fs.statSync(file).size;
  const hash = crypto.createHash('sha256');
  let bytesRead = 0;
  const started = Date.now();
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!ctx.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    const fraction = totalBytes === 0 ? 1 : bytesRead / totalBytes;
    const elapsed = (now - started) / 1000;
    const etaSeconds = fraction > 0.01 && fraction < 1 ? Math.round((elapsed * (1 - fraction)) / fraction) : null;
    ctx.onProgress({ fraction: Math.min(0.99, fraction), message: `read ${formatBytes(bytesRead)} of ${formatBytes(totalBytes)}, ${plural(rowCount, 'row')}`, etaSeconds });
  };

  let finalDir: string | undefined;
  try {
    const parser = createParser(format.format, sink);
    const decoder = new LineDecoder();
    const source = openSource(file, format.compressed, (chunk) => {
      hash.update(chunk);
      bytesRead += chunk.length;
    });
    try {
      let first = true;
      for await (const chunk of source) {
        if (ctx.signal?.aborted) throw new ImportCancelled();
        if (first) refuseUtf16(chunk as Buffer);
        first = false;
        for (const piece of decoder.decode(chunk as Buffer)) parser.feed(piece);
        report();
      }
    } catch (err) {
      source.destroy();
      if (err instanceof FormatError || err instanceof StudioError || err instanceof ImportCancelled) throw err;
      const e = err as NodeJS.ErrnoException;
      if (format.compressed && e.code?.startsWith('Z_')) {
        throw new StudioError('invalid_params', `${name}: not a valid gzip file (${e.message}). Decompress it to check it, or import the uncompressed file.`, { file: shown });
      }
      throw err;
    }
    for (const piece of decoder.end()) parser.feed(piece);
    parser.end();
    if (rowCount === 0) {
      const first = skipped[0];
      throw new StudioError(
        'invalid_params',
        first
          ? `${name}: no valid rows; ${skippedCount === 1 ? 'its one row was' : `all ${skippedCount} rows were`} invalid (first: line ${first.line}: ${first.reason}).`
          : `${name} has no data rows (an empty file, or a header alone). Check that it is the right file.`,
        { file: shown, ...(first ? { line: first.line } : {}) },
      );
    }
    const cols = columns as unknown as string[];
    writeOffset(rows.bytes);
    rows.close();
    index.close();
    skippedFile.close();
    if (skippedCount === 0) fs.rmSync(skippedFile.file);

    ctx.onProgress?.({ fraction: 0.99, message: `splitting ${plural(rowCount, 'row')}`, etaSeconds: null });
    const split = assignSplits(rowCount, params.split, params.seed);
    writeFileDurably(path.join(temp, 'splits.bin'), split);
    const counts = splitCounts(rowCount, params.split);
    const project = params.projectId ? ctx.store.projects.get(params.projectId) : undefined;
    const mapping = params.mapping ?? suggestMapping(cols, project?.task);
    checkMapping(mapping, cols);
    const dataset: Dataset = Dataset.parse({
      id,
      projectId: params.projectId,
      name: params.name,
      sourcePath: shown,
      format: format.format,
      compressed: format.compressed,
      columns: cols,
      rowCount,
      contentHash: hash.digest('hex'),
      mapping,
      splits: Object.fromEntries(SPLITS.map((s) => [s, counts[s]])),
      splitSeed: params.seed,
      skippedRows: skipped,
      createdAt: nowIso(),
    });
    writeFileDurably(path.join(temp, 'manifest.json'), JSON.stringify({ ...dataset, skippedRows: skippedCount, pid: process.pid }, null, 2));
    if (ctx.signal?.aborted) throw new ImportCancelled();

    // Files complete and synced: move them into place, then record the dataset. A crash between the two
    // leaves a folder with no row, which sweepIncompleteImports removes later.
    finalDir = datasetDir(ctx.dataDir, id);
    fs.renameSync(temp, finalDir);
    fsyncDir(datasetsRoot(ctx.dataDir));
    ctx.store.datasets.insert(dataset);
    if (skippedCount > 0) ctx.log?.('warn', `skipped ${plural(skippedCount, 'invalid row')} (see ${path.join(finalDir, 'skipped.jsonl')})`);
    ctx.log?.('info', `imported ${plural(rowCount, 'row')} from ${shown} as dataset ${id}`);
    ctx.onProgress?.({ fraction: 1, message: `imported ${plural(rowCount, 'row')}`, etaSeconds: 0 });
    return dataset;
  } catch (err) {
    rows.abandon();
    index.abandon();
    skippedFile.abandon();
    fs.rmSync(temp, { recursive: true, force: true });
    if (finalDir && !ctx.store.datasets.get(id)) fs.rmSync(finalDir, { recursive: true, force: true });
    if (err instanceof FormatError) {
      throw new StudioError('invalid_params', `${name} line ${err.line}: ${err.message}.`, { file: shown, line: err.line });
    }
    throw hideWorkingPaths(diskFullError(err, `importing ${name}`, datasetsRoot(ctx.dataDir), 'Nothing was imported and the partial copy was removed.'), name, ctx.dataDir);
  }
}

/**
 * UTF-16 text (Windows Notepad's "Unicode") is bytes that are not UTF-8 on every line; without this the import
 * blamed line 1 and suggested skipping invalid rows, which would skip them all.
 */
function refuseUtf16(chunk: Uint8Array): void {
  const bom = chunk.length >= 2 ? (chunk[0] << 8) | chunk[1] : 0;
  if (bom === 0xfffe || bom === 0xfeff) throw new FormatError(1, 'the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8 and import it again');
}

/**
 * A file-system error's message names the import's working copy (datasets/.import-…/rows.jsonl), which the user
 * never made and which is gone once the import fails: say which file was being imported and where instead.
 */
function hideWorkingPaths(err: unknown, name: string, dataDir: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || e instanceof StudioError || typeof e.code !== 'string' || !e.path?.startsWith(datasetsRoot(dataDir))) return err;
  return new Error(`importing ${name} failed: ${e.code} (${e.syscall ?? 'file access'}) in ${datasetsRoot(dataDir)}. Nothing was imported; check that folder's permissions and space, and try again.`, { cause: err });
}

function checkMapping(mapping: ColumnMapping, columns: string[]): void {
  for (const [field, column] of Object.entries(mapping)) {
    if (!columns.includes(column)) {
      throw new StudioError('invalid_params', `the mapping sends '${field}' to column '${column}', which the file does not have (columns: ${columns.join(', ')}).`, { field: 'mapping' });
    }
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
