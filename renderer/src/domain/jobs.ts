// How a job's state and time left read in the UI.
import { timeLeft } from '../../../native/api/format.ts';
import { isFinishedState, type Job } from '../../../native/api/schemas.ts';
import type { Tone } from '../ui/primitives.tsx';

export const JOB_STATE_TONE: Record<Job['state'], Tone> = {
  queued: 'neutral',
  running: 'accent',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
  interrupted: 'warning',
};

export const JOB_KIND_LABEL: Record<string, string> = {
  'dataset-import': 'Dataset import',
  'dataset.import': 'Dataset import',
  finetune: 'Fine-tuning',
  pretrain: 'Pre-training',
  evaluation: 'Evaluation',
  generation: 'Generation',
  dpo: 'DPO (preference tuning)',
  reward: 'Reward model',
  ppo: 'PPO (RLHF)',
  export: 'Export',
  deploy: 'Merge / quantise / export',
  'model-import': 'Model import',
  'gguf-import': 'GGUF import',
  'model-download': 'Model download',
  'docs-import': 'Document import',
  'retrieval-eval': 'Retrieval evaluation',
};

export function jobKindLabel(kind: string): string {
  return JOB_KIND_LABEL[kind] ?? kind;
}

/** What a merge/quantise/export job did, from its params: the Runs page lists several of them in a row, and
 *  one label for all three kinds of work made them impossible to tell apart. */
const DEPLOY_OP_LABEL: Record<string, string> = { merge: 'Merge', quantize: 'Quantise', export: 'Export' };

/** The job's title in lists: its kind, or for a merge/quantise/export job the operation and its variants. */
export function jobTitle(job: Pick<Job, 'kind' | 'params'>): string {
  const params = job.params as { op?: unknown; format?: unknown; dtypes?: unknown } | null;
  const op = typeof params?.op === 'string' ? DEPLOY_OP_LABEL[params.op] : undefined;
  if (job.kind !== 'deploy' || !op) return jobKindLabel(job.kind);
  const format = params?.op === 'export' && typeof params.format === 'string' ? (params.format === 'hf' ? 'Hugging Face folder' : params.format.toUpperCase()) : '';
  const dtypes = Array.isArray(params?.dtypes) ? params.dtypes.filter((d): d is string => typeof d === 'string').join(', ') : '';
  const detail = [format, dtypes].filter(Boolean).join(' ');
  return detail ? `${op} · ${detail}` : op;
}

export function isFinished(job: Job): boolean {
  return isFinishedState(job.state);
}

/** What a run's progress line says while it runs before its first estimate (training and evaluation make one). */
export const ESTIMATING_TIME_LEFT = 'estimating time left…';

/**
 * The time left a job's progress line shows, in the words the CLI prints (native/api/format.ts timeLeft): 'under 1s
 * left' while work remains (an estimate that rounds to 0 read as done, or was hidden), 'about 12s left', 'about 3 min
 * left', 'about 1.5 h left'. Nothing while it waits for a worker, once its work is all done (training's last step
 * comes before its checkpoint) or once it has ended; `unknown` while it runs without an estimate.
 */
export function jobTimeLeft(job: Pick<Job, 'state' | 'progress' | 'etaSeconds'>, unknown: string | null = null): string | null {
  if (job.state !== 'running' || job.progress >= 1) return null;
  return timeLeft(job.etaSeconds) ?? unknown;
}
