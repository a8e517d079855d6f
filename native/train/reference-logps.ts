// The frozen reference's log-probabilities of every pair's two completions, computed once when a preference run
// starts (one forward per example through the model the run starts from, adapter-free) and kept in the run folder,
// so a resumed run uses the very numbers the first attempt trained against and no reference weights are held in
// memory while training.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../models/atomic.ts';
import { CheckpointWeights } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { buildSequenceLogProbGraph } from '../models/preference-graph.ts';
import { createSession } from '../onnx/index.ts';
import { collate } from './batches.ts';
import type { PreferenceExample } from './preference-examples.ts';
import type { ScoredPair } from './preference-batches.ts';

export const REFERENCE_FILE = 'reference-logps.json';

interface Saved {
  /** sha256 of the token ids and labels scored, so a file written for other examples is never reused. */
  examples: string;
  logps: [number, number][];
}

function fingerprint(examples: readonly PreferenceExample[]): string {
  const h = crypto.createHash('sha256');
  for (const e of examples) h.update(JSON.stringify([e.chosen.ids, e.chosen.labels, e.rejected.ids, e.rejected.labels]));
  return h.digest('hex');
}

interface ReferenceOptions {
  batchSize: number;
  padId: number;
  threads?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Summed completion log-probs of each example's chosen and rejected sides under the model in `modelDir`.
 * `onProgress(done, total)` hears each batch: on a few hundred pairs this takes a minute on a small machine, which the
 * CLI spent silent after one 'reference log-probabilities of N pairs' line. A `signal` aborted between two batches
 * (Ctrl-C, a job's cancel) ends it with null: part of a pass is never kept, so a resume computes it whole.
 */
export async function computeReferenceLogps(modelDir: string, spec: ModelSpec, examples: readonly PreferenceExample[], opts: ReferenceOptions & { signal: AbortSignal }): Promise<[number, number][] | null>;
export async function computeReferenceLogps(modelDir: string, spec: ModelSpec, examples: readonly PreferenceExample[], opts: ReferenceOptions): Promise<[number, number][]>;
export async function computeReferenceLogps(modelDir: string, spec: ModelSpec, examples: readonly PreferenceExample[], opts: ReferenceOptions & { signal?: AbortSignal }): Promise<[number, number][] | null> {
  const weights = CheckpointWeights.open(modelDir);
  let graph;
  try {
    graph = buildSequenceLogProbGraph(spec, weights);
  } finally {
    weights.close();
  }
  const session = await createSession(graph, { intraOpNumThreads: opts.threads, interOpNumThreads: 1 });
  try {
    const out: [number, number][] = [];
    for (let i = 0; i < examples.length; i += opts.batchSize) {
      const chunk = examples.slice(i, i + opts.batchSize);
      const b = collate([...chunk.map((e) => e.chosen), ...chunk.map((e) => e.rejected)], opts.padId);
      const logps = (await session.run(b.feeds, ['logps'])).logps.data as Float32Array;
      chunk.forEach((_, k) => out.push([logps[k], logps[chunk.length + k]]));
      opts.onProgress?.(out.length, examples.length);
      if (opts.signal?.aborted && out.length < examples.length) return null;
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * The examples with their reference log-probs: read from the run folder when computed before, else computed and saved;
 * null, with nothing saved, when the computation was stopped (its null).
 */
export async function scoredPairs(runDir: string, name: string, examples: readonly PreferenceExample[], compute: () => Promise<[number, number][] | null>): Promise<ScoredPair[] | null> {
  const file = path.join(runDir, `${name}-${REFERENCE_FILE}`);
  const print = fingerprint(examples);
  let logps: [number, number][] | null = null;
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Saved;
    if (saved.examples === print && saved.logps.length === examples.length) logps = saved.logps;
  }
  if (!logps) {
    logps = await compute();
    if (!logps) return null;
    await writeJsonAtomic(file, { examples: print, logps } satisfies Saved);
  }
  const ref = logps;
  return examples.map((e, i) => ({ ...e, ref: ref[i] }));
}
