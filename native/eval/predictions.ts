// An evaluation run's per-example file, <dataDir>/runs/<runId>/predictions.jsonl: one EvalExample per line,
// written atomically (temporary file, fsync, rename) and registered as the run's 'predictions' artifact.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { withArticle } from '../api/format.ts';
import { EvalExample } from '../api/eval.ts';
import { fileProblem, writeFileAtomic } from '../models/atomic.ts';
import type { Store } from '../store/db.ts';
import { FileCache } from './file-cache.ts';
import { indexLines, readIndexedLines, type LineIndex } from './line-index.ts';

export const PREDICTIONS_FILE = 'predictions.jsonl';
export const PREDICTIONS_ARTIFACT = 'predictions';

export function runDir(dataDir: string, runId: string): string {
  return path.join(dataDir, 'runs', runId);
}

export function predictionsPath(dataDir: string, runId: string): string {
  return path.join(runDir(dataDir, runId), PREDICTIONS_FILE);
}

/** Write every example (replacing what an earlier save wrote) and record the artifact once. */
export async function savePredictions(store: Store, dataDir: string, runId: string, examples: readonly EvalExample[]): Promise<string> {
  const file = predictionsPath(dataDir, runId);
  const text = examples.map((e) => JSON.stringify(e)).join('\n') + (examples.length ? '\n' : '');
  await writeFileAtomic(file, text);
  const bytes = Buffer.byteLength(text, 'utf8');
  const hash = crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  const known = store.runs.artifacts(runId).find((a) => a.kind === PREDICTIONS_ARTIFACT);
  if (!known) store.runs.addArtifact({ runId, kind: PREDICTIONS_ARTIFACT, path: file, bytes, hash });
  return file;
}

/** The predictions file of a run, from its artifact record (the file may have moved with the data directory). */
export function findPredictions(store: Store, dataDir: string, runId: string): string | null {
  const artifact = store.runs.artifacts(runId).find((a) => a.kind === PREDICTIONS_ARTIFACT);
  if (!artifact) return null;
  if (fs.existsSync(artifact.path)) return artifact.path;
  const local = predictionsPath(dataDir, runId);
  return fs.existsSync(local) ? local : null;
}

function unreadable(file: string, err: unknown): StudioError {
  return new StudioError('not_found', `${file}: cannot read the predictions: ${fileProblem(file, err, { want: 'the predictions file' })}`, { file });
}

/** The file opened for reading, or the same clear error as an unreadable one. */
function openPredictionsFile(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    throw unreadable(file, err);
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadable(file, err);
  }
}

/** One line of the file as an example; errors name the file and line (1-based). */
function parseExample(file: string, text: string, line: number): EvalExample {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StudioError('internal', `${file}:${line}: not valid JSON (${(err as Error).message})`, { file, line });
  }
  const checked = EvalExample.safeParse(parsed);
  if (!checked.success) throw new StudioError('internal', `${file}:${line}: not an evaluation example (${checked.error.issues[0]?.message})`, { file, line });
  return checked.data;
}

/** The non-blank lines of the file with their 1-based line numbers. */
function exampleLines(file: string): { text: string; line: number }[] {
  return readText(file).split('\n').flatMap((text, i) => (text.trim() ? [{ text, line: i + 1 }] : []));
}

/** Every example of a run; errors name the file and line. */
export function readPredictions(file: string): EvalExample[] {
  return exampleLines(file).map(({ text, line }) => parseExample(file, text, line));
}

/**
 * Where each example's line lies in each predictions file paged through, while the file is unchanged: three numbers
 * a line, so 256 MiB of files (twenty-two 5,000-example DialogSum evaluations) keep a few MiB.
 */
const lineIndexes = new FileCache<LineIndex>(256 * 2 ** 20, (_file, fd) => indexLines(fd!));

/**
 * Examples [offset, offset + limit) and how many there are, reading and parsing only those lines once the file is
 * indexed: a page of three examples from a 5,000-example run read the whole 11 MiB file on every call, and before
 * that parsed and validated every line of it too.
 */
export function readPredictionsPage(file: string, offset: number, limit: number): { total: number; rows: EvalExample[] } {
  const fd = openPredictionsFile(file);
  try {
    let page: { total: number; lines: { text: string; line: number }[] };
    try {
      const index = lineIndexes.get(file, fd);
      page = { total: index.starts.length, lines: readIndexedLines(fd, index, offset, offset + limit) };
    } catch (err) {
      throw unreadable(file, err); // a directory, a failing disk
    }
    return { total: page.total, rows: page.lines.map(({ text, line }) => parseExample(file, text, line)) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What Compare joins and sorts a run's examples by, one entry per non-blank line of its predictions file, and
 * where each line lies: the example's id and scores, and (once a join by input text asks) a SHA-256 of its input.
 * A page then reads its own lines (openPredictions' example), checked whole there. Compare read, parsed and
 * validated every compared file whole, and kept every example, prompts included, for the next page: at more than
 * 64 MiB of compared files the cache let go and every page read them all again.
 */
export interface PredictionsOutline {
  readonly index: LineIndex;
  readonly ids: readonly string[];
  readonly scores: readonly Readonly<Record<string, number>>[];
  /** The inputs' SHA-256, filled by the first join by input text (runs of different datasets). */
  inputKeys?: readonly string[];
}

/** Lines read at a time by parsedLines: a window's bytes, not the whole file's, are in memory at once. */
const WINDOW_LINES = 1024;

/** Each line's JSON, with the line number for errors, read a window of lines at a time. */
function* parsedLines(file: string, fd: number, index: LineIndex): Generator<{ value: Record<string, unknown>; line: number }> {
  for (let from = 0; from < index.starts.length; from += WINDOW_LINES) {
    for (const { text, line } of readIndexedLines(fd, index, from, from + WINDOW_LINES)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        throw new StudioError('internal', `${file}:${line}: not valid JSON (${(err as Error).message})`, { file, line });
      }
      yield { value: (value ?? {}) as Record<string, unknown>, line };
    }
  }
}

/** What an outline reads of a line, checked as EvalExample checks it (by hand: zod per line cost as much as the parse). */
function outlineFieldsProblem(e: Record<string, unknown>): string | null {
  if (typeof e.id !== 'string') return 'id is not a string';
  if (typeof e.input !== 'string') return 'input is not a string';
  const scores = e.scores;
  if (scores === null || typeof scores !== 'object' || Array.isArray(scores)) return 'scores is not an object';
  const bad = Object.entries(scores).find(([, v]) => typeof v !== 'number');
  return bad ? `scores.${bad[0]} is not a number` : null;
}

function outlineOf(file: string, fd: number): PredictionsOutline {
  const index = indexLines(fd);
  const ids: string[] = [];
  const scores: Record<string, number>[] = [];
  for (const { value, line } of parsedLines(file, fd, index)) {
    const problem = outlineFieldsProblem(value);
    if (problem) throw new StudioError('internal', `${file}:${line}: not an evaluation example (${problem})`, { file, line });
    ids.push(value.id as string);
    scores.push(value.scores as Record<string, number>);
  }
  return { index, ids, scores };
}

/** Outlines of the files compared, while each is unchanged: about 200 bytes an example (5,000 DialogSum examples: 1 MiB for an 11 MiB file). */
const outlines = new FileCache<PredictionsOutline>(512 * 2 ** 20, (file, fd) => outlineOf(file, fd!));

/** A run's predictions file held open: its outline, and any one example read and checked alone. Close it after. */
export interface OpenPredictions {
  /** The predictions file, for errors that name it. */
  readonly file: string;
  readonly outline: PredictionsOutline;
  /** The example of the outline's entry `position` (0-based), read from its line. */
  example(position: number): EvalExample;
  /** Each example's input as a join key (its SHA-256), read once per file version and kept in the outline. */
  inputKeys(): readonly string[];
  close(): void;
}

/** The predictions of a run, opened for Compare's pages (runs.examples); a clear error for runs without any. */
export function openPredictions(store: Store, dataDir: string, runId: string): OpenPredictions {
  const file = requirePredictions(store, dataDir, runId);
  const fd = openPredictionsFile(file);
  try {
    let outline: PredictionsOutline;
    try {
      outline = outlines.get(file, fd);
    } catch (err) {
      throw err instanceof StudioError ? err : unreadable(file, err);
    }
    return {
      file,
      outline,
      example: (position) => {
        const [{ text, line }] = readIndexedLines(fd, outline.index, position, position + 1);
        return parseExample(file, text, line);
      },
      inputKeys: () => (outline.inputKeys ??= [...parsedLines(file, fd, outline.index)].map(({ value }) => crypto.createHash('sha256').update(String(value.input)).digest('base64'))),
      close: () => fs.closeSync(fd),
    };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * The predictions file of a run that has one; for one without, an error that says why: an evaluation still running
 * (its file is written when it ends) was told "only evaluation runs have per-example output".
 */
function requirePredictions(store: Store, dataDir: string, runId: string): string {
  const file = findPredictions(store, dataDir, runId);
  if (file) return file;
  const run = store.runs.find(runId, 'id');
  const why = run.kind !== 'evaluation'
    ? `it is ${withArticle(run.kind)} run; only evaluation runs have per-example output`
    : run.status === 'queued' || run.status === 'running'
      ? `it is ${run.status}, and an evaluation writes them when it ends; compare it then`
      : store.runs.artifacts(runId).some((a) => a.kind === PREDICTIONS_ARTIFACT)
        ? `its file is gone (${predictionsPath(dataDir, runId)})`
        : `it ended '${run.status}' before writing any`;
  throw new StudioError('not_found', `run ${runId} has no predictions: ${why}`, { id: runId });
}

/** What a pairwise judge reads of the run it judges against: an example's id, input and answer, and where it is. */
export interface AnswerLine {
  id: string;
  input: string;
  prediction: string;
  file: string;
  line: number;
}

/**
 * Each example's id, input and answer in a run's predictions file, read a window of lines at a time; errors name the
 * file and line. A judge against another run needs no more: it read the whole file into one string, then parsed,
 * checked and kept every example, its prompts and judge records too.
 */
export function* runAnswers(store: Store, dataDir: string, runId: string): Generator<AnswerLine> {
  const file = requirePredictions(store, dataDir, runId);
  const fd = openPredictionsFile(file);
  try {
    let index: LineIndex;
    try {
      index = lineIndexes.get(file, fd);
    } catch (err) {
      throw unreadable(file, err);
    }
    for (const { value, line } of parsedLines(file, fd, index)) {
      const field = (['id', 'input', 'prediction'] as const).find((f) => typeof value[f] !== 'string');
      if (field) throw new StudioError('internal', `${file}:${line}: not an evaluation example (${field} is not a string)`, { file, line });
      yield { id: value.id as string, input: value.input as string, prediction: value.prediction as string, file, line };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A page of a run's examples (eval.examples), the rest of the file left unparsed. */
export function runExamplesPage(store: Store, dataDir: string, runId: string, offset: number, limit: number): { total: number; rows: EvalExample[] } {
  return readPredictionsPage(requirePredictions(store, dataDir, runId), offset, limit);
}
