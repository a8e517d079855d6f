// An evaluation run's per-example file, <dataDir>/runs/<runId>/predictions.jsonl: one EvalExample per line,
// written atomically (temporary file, fsync, rename) and registered as the run's 'predictions' artifact.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { EvalExample } from '../api/eval.ts';
import { writeFileAtomic } from '../models/atomic.ts';
import type { Store } from '../store/db.ts';

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

/** Every example of a run; errors name the file and line. */
export function readPredictions(file: string): EvalExample[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new StudioError('not_found', `${file}: cannot read the predictions (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file });
  }
  const out: EvalExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new StudioError('internal', `${file}:${i + 1}: not valid JSON (${(err as Error).message})`, { file, line: i + 1 });
    }
    const checked = EvalExample.safeParse(parsed);
    if (!checked.success) throw new StudioError('internal', `${file}:${i + 1}: not an evaluation example (${checked.error.issues[0]?.message})`, { file, line: i + 1 });
    out.push(checked.data);
  });
  return out;
}

/** The examples of a run that has a predictions file; a clear error for runs without one. */
export function runExamples(store: Store, dataDir: string, runId: string): EvalExample[] {
  const file = findPredictions(store, dataDir, runId);
  if (!file) throw new StudioError('not_found', `run ${runId} has no predictions (only evaluation runs have per-example output)`, { id: runId });
  return readPredictions(file);
}
