// What a trainer needs from its host (a job's child process or the CLI in the foreground), the run folder,
// greedy samples for before/after comparisons, and the artifacts a run leaves behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TextGenerator } from '../generate/pipeline.ts';
import type { JobEnv } from '../jobs/worker-env.ts';
import type { StepFigures } from './loop.ts';
import type { Dataset, Model, Run } from '../api/schemas.ts';
import { withArticle } from '../api/format.ts';
import { StudioError } from '../api/errors.ts';
import { importModelFolder } from '../models/import.ts';
import type { Store } from '../store/db.ts';
import type { ProcessOwner } from '../store/process-owner.ts';

/** A job's reporting channels (the CLI supplies the same ones in the foreground), plus what training adds. */
export interface TrainEnv extends JobEnv {
  /** JobEnv's progress, with a finished step's figures beside the message: a job's channel keeps the message, the CLI words its line from them. */
  progress(fraction: number, message: string, etaSeconds: number | null, figures?: StepFigures): void;
  /**
   * CPU threads chosen by the host for this attempt (`--threads` beside `--resume`): how fast the run goes, not what
   * it computes, so it may differ from the thread count the run recorded at its start, and wins over it (runThreads).
   */
  threads?: number;
  /**
   * The process training the run when no job does (the CLI in the foreground): recorded on the run, so a store
   * opened after that process died marks the run 'interrupted' instead of leaving it 'running' for ever.
   */
  owner?: ProcessOwner;
  /**
   * How the host's user leaves out rows that make no preference pair, in the words of its own interface, for the
   * advice that ends such a row's refusal: the CLI names its flag, the studio's job its form's checkbox.
   */
  skipAdvice?: string;
}

/** The threads a run's attempt uses: the host's choice for this attempt (TrainEnv.threads), else the run's recorded one. */
export function runThreads(recorded: number | null | undefined, env: Pick<TrainEnv, 'threads'>): number | undefined {
  return env.threads ?? recorded ?? undefined;
}

export const runDir = (dataDir: string, runId: string): string => path.join(dataDir, 'runs', runId);
export const SAMPLES_FILE = 'samples.json';

export interface Sample {
  prompt: string;
  reference: string | null;
  before: string | null;
  after: string;
  /** Whether the token limit cut `before` / `after` (its generation ended at maxNewTokens, not at an end token); absent in runs from before it was recorded. */
  beforeCut?: boolean;
  afterCut?: boolean;
}

/** One greedy continuation, and whether the token limit cut it rather than the model ending it. */
export interface Continuation { text: string; cut: boolean }

/** Greedy continuations of `prompts` by a model folder (plus an unmerged adapter). */
export async function greedy(modelDir: string, prompts: string[], opts: { adapter?: string; maxNewTokens?: number; threads?: number } = {}): Promise<Continuation[]> {
  if (prompts.length === 0) return [];
  const gen = await TextGenerator.load(modelDir, { adapter: opts.adapter, intraOpNumThreads: opts.threads });
  try {
    const out: Continuation[] = [];
    for (const p of prompts) {
      const row = (await gen.generate([p], { maxNewTokens: opts.maxNewTokens ?? 40, doSample: false })).rows[0];
      out.push({ text: row.text, cut: row.finishReason === 'length' });
    }
    return out;
  } finally {
    await gen.release();
  }
}

/** Record a file (or a folder's main file) as the run's artifact of `kind`, with its size and sha256. */
export function recordArtifact(store: Store, runId: string, kind: string, file: string): void {
  const bytes = fs.readFileSync(file);
  store.runs.replaceArtifact({ runId, kind, path: file, bytes: bytes.length, hash: crypto.createHash('sha256').update(bytes).digest('hex') });
}

/** The model an earlier attempt of a run registered from `source` ('finetune:<run>' …) before it was stopped. */
export function modelRegisteredAs(store: Store, source: string): Model | undefined {
  return store.models.list().find((m) => m.source === source);
}

/**
 * Register a run's output `folder` (moved into models/) as `name`, or, when an earlier attempt of the run was
 * killed after registering it, keep that model: a resumed run must not fail on its own model's name.
 */
export async function registerRunModel(env: TrainEnv, folder: string, name: string, source: string): Promise<Model> {
  const earlier = modelRegisteredAs(env.store, source);
  if (earlier) {
    env.log('info', `keeping ${earlier.name}, registered by an earlier attempt of this run`);
    return earlier;
  }
  return importModelFolder(env.dataDir, folder, name, { move: true, source });
}

/**
 * The run `runId` when it can be resumed as a `kind` run: it exists, is of that kind, has not finished, and no live
 * process is training it. `command` is what the user runs to continue such runs, for the message.
 */
export function runToResume(store: Store, runId: string, kind: Run['kind'], command: string): Run {
  // the store's one not-found wording, as `lathe runs show` and `merge --run` say it
  const run = store.runs.find(runId, 'resume');
  if (run.kind !== kind) throw new Error(`run ${runId} is ${withArticle(run.kind)} run; '${command}' continues ${kind} runs`);
  if (run.status === 'succeeded') throw new Error(`run ${runId} already finished; start a new run to train further`);
  if (store.runs.hasLiveOwner(runId)) throw new Error(`run ${runId} is being trained by another process; stop it first or wait`);
  requireRunData(store, run);
  return run;
}

/**
 * Why `run` cannot resume on what it started from — its dataset, the model it trains from (a PPO run's reward model
 * too) or its corpus file, gone since — else null. The resume path refuses with it (requireRunData) and the run page
 * asks it before offering Resume (train.resumable), so the two say the same.
 */
export function missingRunInput(store: Store, run: Run): string | null {
  const c = run.config as { datasetId?: unknown; modelPath?: unknown; modelName?: unknown; rewardModelPath?: unknown; rewardRun?: unknown; corpus?: unknown };
  if (typeof c.datasetId === 'string' && !store.datasets.get(c.datasetId)) return `the dataset it trained on (${c.datasetId}) has been deleted; start a new run on another dataset`;
  const gone = (folder: unknown) => typeof folder === 'string' && !fs.existsSync(path.join(folder, 'config.json'));
  if (gone(c.modelPath)) {
    const name = typeof c.modelName === 'string' ? `${c.modelName}, ` : '';
    return `the model it trains from (${name}${String(c.modelPath)}) has been deleted; start a new run from another model`;
  }
  if (gone(c.rewardModelPath)) {
    const from = typeof c.rewardRun === 'string' ? `reward run ${c.rewardRun}` : String(c.rewardModelPath);
    return `the reward model it scores with (${from}) has been deleted; start a new run with another reward model`;
  }
  if (run.kind === 'pretrain' && typeof c.corpus === 'string' && !fs.existsSync(c.corpus)) return `its corpus file ${c.corpus} is gone; put it back there, or start a new run on another corpus`;
  return null;
}

/** A run resumes on what it started from: refused, saying which input is gone and what to do (missingRunInput). */
export function requireRunData(store: Store, run: Run): void {
  const missing = missingRunInput(store, run);
  if (missing) throw new StudioError('conflict', `run ${run.id} cannot resume: ${missing}`, { field: 'runId' });
}

/** The dataset run `runId` was started with, refused when its file changed since: the run would learn from other data. */
export function runDataset(store: Store, runId: string, config: { datasetId: string; datasetHash: string }): Dataset {
  const dataset = store.datasets.find(config.datasetId);
  if (dataset.contentHash !== config.datasetHash) throw new Error(`dataset ${dataset.name} is not the data run ${runId} started with (its content hash changed); start a new run`);
  return dataset;
}
