// How a job's state reads in the UI.
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

export function isFinished(job: Job): boolean {
  return isFinishedState(job.state);
}
