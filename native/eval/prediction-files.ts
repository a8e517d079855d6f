// Reading predictions and references from files for scoring: either parallel plain-text files (one example
// per line; one reference file per reference) or one JSONL file whose rows carry `prediction` and
// `references`. Errors name the file and line, since these files are usually written by hand or by scripts.
import fs from 'node:fs';
import { plural } from '../api/format.ts';
import { LineDecoder } from '../data/decode.ts';
import { fileProblem } from '../models/atomic.ts';

export interface ScoringExamples {
  predictions: string[];
  /** references[i] lists the references of prediction i. */
  references: string[][];
}

/** A problem with an input file, with where it was found. */
export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'InputFileError';
  }
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new InputFileError(file, null, fileProblem(file, err, { near: true, want: 'the text file of one example per line (or a .jsonl file) in it' }));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // find the line the same way dataset import does, so the message points at it
    const decoder = new LineDecoder();
    const bad = [...decoder.decode(bytes), ...decoder.end()].find((piece) => piece.badUtf8);
    throw new InputFileError(file, bad?.line ?? null, 'the text is not valid UTF-8; save the file as UTF-8 and score it again');
  }
}

/** Lines of a text file: '\n' or '\r\n' endings, a final newline does not start an extra (empty) line. */
export function readLines(file: string): string[] {
  const text = readText(file).replace(/^\uFEFF/, '');
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Parallel plain-text files: line i of `predictionFile` is scored against line i of every reference file. */
export function readParallelFiles(predictionFile: string, referenceFiles: readonly string[]): ScoringExamples {
  if (referenceFiles.length === 0) throw new InputFileError(predictionFile, null, 'no reference file given (use --ref FILE, once per reference)');
  const predictions = readLines(predictionFile);
  // Nothing to score is the user's mistake (an empty or wrong file), not a score: ROUGE crashed on it and BLEU,
  // chrF and EM/F1 printed 0.00 for 0 examples as if the predictions had all been wrong.
  if (predictions.length === 0) throw new InputFileError(predictionFile, null, 'the file is empty: nothing to score (one prediction per line)');
  const referenceColumns = referenceFiles.map((file) => {
    const lines = readLines(file);
    if (lines.length !== predictions.length) {
      const line = Math.min(lines.length, predictions.length) + 1;
      throw new InputFileError(
        file,
        line,
        `line count mismatch: ${plural(lines.length, 'reference line')} but ${plural(predictions.length, 'prediction')} in ${predictionFile} (one example per line in every file)`,
      );
    }
    return lines;
  });
  return { predictions, references: predictions.map((_, i) => referenceColumns.map((column) => column[i])) };
}

/**
 * JSONL rows `{"prediction": "…", "references": ["…", …]}` (a single string is accepted as one reference).
 * Blank lines are skipped.
 */
export function readJsonlExamples(file: string): ScoringExamples {
  const predictions: string[] = [];
  const references: string[][] = [];
  readLines(file).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (err) {
      throw new InputFileError(file, line, `not valid JSON (${(err as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new InputFileError(file, line, 'expected a JSON object with "prediction" and "references"');
    const { prediction, references: refs } = row as Record<string, unknown>;
    if (typeof prediction !== 'string') throw new InputFileError(file, line, 'field "prediction" must be a string');
    const list = typeof refs === 'string' ? [refs] : refs;
    if (!Array.isArray(list) || list.length === 0 || !list.every((r) => typeof r === 'string')) {
      throw new InputFileError(file, line, 'field "references" must be a string or a non-empty array of strings');
    }
    predictions.push(prediction);
    references.push(list as string[]);
  });
  if (predictions.length === 0) throw new InputFileError(file, null, 'no examples found');
  return { predictions, references };
}

/**
 * Choose the reader: JSONL when the prediction file ends in .jsonl and no reference files are given, else
 * parallel plain-text files.
 */
export function readScoringExamples(predictionFile: string, referenceFiles: readonly string[]): ScoringExamples {
  if (referenceFiles.length === 0) {
    if (!predictionFile.endsWith('.jsonl')) {
      throw new InputFileError(predictionFile, null, 'no reference file given: pass --ref FILE (once per reference), or a .jsonl file with "prediction" and "references" fields');
    }
    return readJsonlExamples(predictionFile);
  }
  return readParallelFiles(predictionFile, referenceFiles);
}
