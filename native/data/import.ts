// Dataset import: stream a file (or a dataset's files, each split on its own) through its parser into
// datasets/<id>/ (rows, offsets index, seeded splits), then insert the database row in one transaction. The CLI
// calls importDataset directly; the job worker (import-worker.ts) calls the same function in a child process.
// Memory stays bounded whatever the file size.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { StudioError } from '../api/errors.ts';
import { humanBytes, plural } from '../api/format.ts';
import { Dataset, DatasetImportInput, SPLITS, wholeSplit, type ColumnMapping } from '../api/schemas.ts';
import type { Store } from '../store/db.ts';
import { newId, nowIso } from '../store/ids.ts';
import { LineDecoder, utf16Text } from './decode.ts';
import { SUPPORTED_EXTENSIONS, detectFormat } from './formats.ts';
import { suggestMapping } from './mapping.ts';
import { createParser, FormatError, type ParserOptions, type RecordSink } from './parsers.ts';
import { assignSplits, checkFractions, drawnSplits, splitCounts, type SplitFractions } from './splits.ts';
import { BufferedFile, datasetDir, datasetsRoot, fsyncDir, sweepIncompleteImports, tempDatasetDir, writeFileDurably } from './files.ts';
import { diskFullError } from '../store/disk-full.ts';
import { noSuchPath, UPLOAD_GONE } from '../store/near-files.ts';

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
  /**
   * How the caller's user leaves unreadable rows out, in the words of its own interface, for the advice that ends a
   * bad row's refusal: the CLI names its flag, the studio's job its form's checkbox. Code calling importDataset
   * directly gets the input's field.
   */
  skipAdvice?: string;
  /**
   * How the caller's user imports a CSV or TSV file with every quote read as text (quoting 'none'), in the words of its
   * own interface, for the refusals of a quote that the default, quoted, reading breaks on: the CLI names its
   * flag, the studio's job its form's checkbox. Code calling importDataset directly gets the input's field.
   */
  quotingAdvice?: string;
}

export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
    this.name = 'AbortError';
  }
}

const skipHint = (advice = 'set skipInvalid'): string => `Fix or remove that line and import again, or ${advice} to leave out the rows that cannot be read.`;

/** One file of an import: where it is, what messages call it, its format, and how its rows are split. */
export interface ImportSource {
  file: string;
  /** What messages call the file: the user's own name for an upload, else the path they gave. */
  shown: string;
  /** The short name line-numbered errors start with. */
  name: string;
  format: ReturnType<typeof detectFormat>;
  split: SplitFractions;
}

function checkedFile(given: string, fileName: string | undefined, field: string): { file: string; shown: string; format: ReturnType<typeof detectFormat> } {
  const file = path.resolve(given);
  const shown = fileName ?? file;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    const problem = fileName ? UPLOAD_GONE : noSuchPath(file, { endings: SUPPORTED_EXTENSIONS });
    throw new StudioError('invalid_params', `${shown}: ${problem}`, { file: shown, field });
  }
  if (stat.isDirectory()) throw new StudioError('invalid_params', `${shown} is a folder; give the dataset file in it (${SUPPORTED_EXTENSIONS.join(', ')}).`, { file: shown, field });
  if (!stat.isFile()) throw new StudioError('invalid_params', `${shown} is not a file.`, { file: shown, field });
  // after the checks above, so a folder or a missing file is called that rather than an unknown format
  return { file, shown, format: detectFormat(file, fileName ?? path.basename(file)) };
}

/** CSV and TSV: the formats whose quoting DatasetImportInput.quoting chooses. */
const isDelimited = (format: ImportSource['format']['format']): boolean => format === 'csv' || format === 'tsv';

const FORMAT_WORDS: Record<ImportSource['format']['format'], string> = { jsonl: 'JSON Lines', json: 'JSON', csv: 'CSV', tsv: 'TSV' };

/**
 * The files of an import, checked without the store: each is there, a file, of a format Lathe reads, given once, and
 * all of one format, and quoting is given only for CSV and TSV. The CLI checks them before it opens the data directory,
 * so a mistyped path makes nothing there; `quotingName` is what its refusal calls the quoting option (the CLI's flag).
 */
export function checkImportFiles(input: DatasetImportInput, quotingName = 'quoting'): { sources: ImportSource[]; params: ReturnType<typeof DatasetImportInput.parse> } {
  const params = DatasetImportInput.parse(input);
  const first = checkedFile(params.path, params.fileName, 'path');
  const { format } = first.format;
  if (params.quoting !== undefined && !isDelimited(format)) {
    // JSON has its own quoting, which no option changes: said, rather than the option silently doing nothing.
    throw new StudioError('invalid_params', `${first.shown} is ${FORMAT_WORDS[format]}, and ${quotingName} is for CSV and TSV files only (JSON quotes its strings its own way): import it without ${quotingName}.`, { file: first.shown, field: 'quoting' });
  }
  const sources: ImportSource[] = [{ ...first, name: params.fileName ?? path.basename(first.file), split: params.split }];
  params.extraFiles.forEach((extra, i) => {
    const field = `extraFiles[${i}].path`;
    const more = checkedFile(extra.path, extra.fileName, field);
    const twice = sources.find((s) => s.file === more.file);
    if (twice) throw new StudioError('invalid_params', `${more.shown} is given twice; give each file of the dataset once.`, { file: more.shown, field });
    const kind = (f: ImportSource['format']) => `${f.format}${f.compressed ? ', gzip' : ''}`;
    if (kind(more.format) !== kind(first.format)) {
      throw new StudioError('invalid_params', `${more.shown} is ${kind(more.format)} but ${first.shown} is ${kind(first.format)}: the files of one dataset share one format. Convert one of them, or import them as two datasets.`, { file: more.shown, field });
    }
    sources.push({ ...more, name: extra.fileName ?? path.basename(more.file), split: wholeSplit(extra.split) });
  });
  return { sources, params };
}

/**
 * Check what can be checked before any byte is read, so the API can refuse at once instead of failing a job.
 * `resolved` is the input with every path absolute, for a job whose process may start elsewhere.
 */
export function precheckImport(input: DatasetImportInput, store: Store): { sources: ImportSource[]; params: ReturnType<typeof DatasetImportInput.parse>; resolved: DatasetImportInput } {
  const { sources, params } = checkImportFiles(input);
  const first = sources[0];
  if (params.projectId !== null) store.projects.find(params.projectId);
  store.datasets.requireFreeName(params.name);
  checkFractions(params.split);
  const resolved: DatasetImportInput = { ...input, path: first.file, extraFiles: params.extraFiles.map((e, i) => ({ ...e, path: sources[i + 1].file })) };
  return { sources, params, resolved };
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
  const { sources, params } = precheckImport(input, ctx.store);
  const several = sources.length > 1;
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

  /** The file being read: the sink's messages name it, and its line numbers are its own. */
  let source = sources[0];
  let columns: string[] | null = null;
  let columnSet = new Set<string>();
  let rowCount = 0;
  let skippedCount = 0;
  const skipped: Dataset['skippedRows'] = [];
  const sink: RecordSink = {
    record(values, line) {
      if (columns === null) {
        // a first row of no fields ({}) sets no columns: with skipInvalid every row after it was refused for fields
        // "not among the first row's columns ()", so a file that began with {} imported nothing
        if (Object.keys(values).length === 0) return this.invalid(line, 'the row has no fields');
        columns = Object.keys(values);
        columnSet = new Set(columns);
      } else {
        const first = source === sources[0] ? 'the first row' : `the first row of ${sources[0].name}`;
        const missing = columns.find((c) => !Object.prototype.hasOwnProperty.call(values, c));
        if (missing !== undefined) return this.invalid(line, `missing field '${missing}' (every row needs the columns of ${first}: ${columns.join(', ')})`, missing);
        const extra = Object.keys(values).find((k) => !columnSet.has(k));
        if (extra !== undefined) return this.invalid(line, `field '${extra}' is not among ${first}'s columns (${columns.join(', ')})`, extra);
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
        const hint = skipHint(ctx.skipAdvice);
        throw new StudioError('invalid_params', `${source.name} line ${line}: ${reason}. ${hint}`, { file: source.shown, line, ...(field ? { field } : {}), hint });
      }
      skippedCount++;
      const where = several ? { file: source.name } : {};
      if (skipped.length < SKIPPED_IN_RECORD) skipped.push({ line, reason, ...where });
      skippedFile.write(`${JSON.stringify({ line, reason, ...where, ...(field ? { field } : {}) })}\n`);
    },
  };

  const totalBytes = sources.reduce((sum, s) => sum + fs.statSync(s.file).size, 0);
  // One hash over the files' bytes in the order given: the same files give the same dataset hash.
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
    const reading = several ? `${source.name}: ` : '';
    ctx.onProgress({ fraction: Math.min(0.99, fraction), message: `${reading}read ${humanBytes(bytesRead)} of ${humanBytes(totalBytes)}, ${plural(rowCount, 'row')}`, etaSeconds });
  };

  let finalDir: string | undefined;
  try {
    /** Each file's rows, in order: each file is split on its own. */
    const rowsPerSource: number[] = [];
    for (const next of sources) {
      source = next;
      const rowsBefore = rowCount;
      const skippedBefore = skippedCount;
      const firstSkipped = skipped.length;
      await readSource(source, sink, { quoting: params.quoting, quotingAdvice: ctx.quotingAdvice }, ctx.signal, (chunk) => {
        hash.update(chunk);
        bytesRead += chunk.length;
      }, report);
      const fileRows = rowCount - rowsBefore;
      if (fileRows === 0) throw noRowsError(source, skippedCount - skippedBefore, skipped[firstSkipped]);
      rowsPerSource.push(fileRows);
    }
    const cols = columns as unknown as string[];
    writeOffset(rows.bytes);
    rows.close();
    index.close();
    skippedFile.close();
    if (skippedCount === 0) fs.rmSync(skippedFile.file);

    ctx.onProgress?.({ fraction: 0.99, message: `splitting ${plural(rowCount, 'row')}`, etaSeconds: null });
    const split = new Uint8Array(rowCount);
    const counts = { train: 0, validation: 0, test: 0 };
    let at = 0;
    const countsPerFile = sources.map((s, i) => {
      split.set(assignSplits(rowsPerSource[i], s.split, params.seed), at);
      at += rowsPerSource[i];
      const own = splitCounts(rowsPerSource[i], s.split);
      for (const part of SPLITS) counts[part] += own[part];
      return own;
    });
    writeFileDurably(path.join(temp, 'splits.bin'), split);
    const project = params.projectId ? ctx.store.projects.get(params.projectId) : undefined;
    const mapping = params.mapping ?? suggestMapping(cols, project?.task);
    checkMapping(mapping, cols);
    const dataset: Dataset = Dataset.parse({
      id,
      projectId: params.projectId,
      name: params.name,
      sourcePath: sources.map((s) => s.shown).join(' + '),
      format: sources[0].format.format,
      compressed: sources[0].format.compressed,
      columns: cols,
      rowCount,
      contentHash: hash.digest('hex'),
      mapping,
      splits: counts,
      splitSeed: params.seed,
      drawnSplits: drawnSplits(countsPerFile),
      skippedRows: skipped,
      // what a CSV or TSV file's rows were read with, the default too: checkImportFiles refuses quoting for JSON
      ...(isDelimited(sources[0].format.format) ? { quoting: params.quoting ?? 'csv' } : {}),
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
    // 100 % first, then the log: a job's log (and the CLI's stderr) read in the order things happened
    ctx.onProgress?.({ fraction: 1, message: `imported ${plural(rowCount, 'row')}`, etaSeconds: 0 });
    if (skippedCount > 0) ctx.log?.('warn', `skipped ${plural(skippedCount, 'invalid row')} (see ${path.join(finalDir, 'skipped.jsonl')})`);
    ctx.log?.('info', `imported ${plural(rowCount, 'row')} from ${dataset.sourcePath} as dataset ${id}`);
    return dataset;
  } catch (err) {
    rows.abandon();
    index.abandon();
    skippedFile.abandon();
    fs.rmSync(temp, { recursive: true, force: true });
    if (finalDir && !ctx.store.datasets.get(id)) fs.rmSync(finalDir, { recursive: true, force: true });
    if (err instanceof FormatError) {
      throw new StudioError('invalid_params', `${source.name} line ${err.line}: ${err.message}.`, { file: source.shown, line: err.line });
    }
    throw hideWorkingPaths(diskFullError(err, `importing ${source.name}`, datasetsRoot(ctx.dataDir), 'Nothing was imported and the partial copy was removed.'), source.name, ctx.dataDir);
  }
}

/** Stream one file through its own parser and decoder into the sink; line numbers count from its first line. */
async function readSource(source: ImportSource, sink: RecordSink, parsing: ParserOptions, signal: AbortSignal | undefined, onRaw: (chunk: Buffer) => void, report: () => void): Promise<void> {
  const { format, name, shown } = source;
  const parser = createParser(format.format, sink, parsing);
  const decoder = new LineDecoder();
  const stream = openSource(source.file, format.compressed, onRaw);
  try {
    let first = true;
    for await (const chunk of stream) {
      if (signal?.aborted) throw new ImportCancelled();
      const utf16 = first ? utf16Text(chunk as Buffer) : null;
      if (utf16) throw new FormatError(1, `${utf16}; save it as UTF-8 and import it again`);
      first = false;
      for (const piece of decoder.decode(chunk as Buffer)) parser.feed(piece);
      report();
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof FormatError || err instanceof StudioError || err instanceof ImportCancelled) throw err;
    const e = err as NodeJS.ErrnoException;
    if (format.compressed && e.code?.startsWith('Z_')) {
      throw new StudioError('invalid_params', `${name}: not a valid gzip file (${e.message}). Decompress it to check it, or import the uncompressed file.`, { file: shown });
    }
    throw err;
  }
  for (const piece of decoder.end()) parser.feed(piece);
  parser.end();
}

/** A file that gave no row: empty, a header alone, or (with skip-invalid) every row refused. */
function noRowsError(source: ImportSource, skippedInFile: number, first: { line: number; reason: string } | undefined): StudioError {
  return new StudioError(
    'invalid_params',
    first
      ? `${source.name}: no valid rows; ${skippedInFile === 1 ? 'its one row was' : `all ${skippedInFile} rows were`} invalid (first: line ${first.line}: ${first.reason}).`
      : `${source.name} has no data rows (an empty file, or a header alone). Check that it is the right file.`,
    { file: source.shown, ...(first ? { line: first.line } : {}) },
  );
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
