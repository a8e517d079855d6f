// Which runs are experiments (training, evaluation, export — what a project compares and keeps) and which are
// the playground's single generations (many, small, kept apart so they do not bury the experiments).
import type { Run } from '../../../../native/api/schemas.ts';
import { TRAINING_RUN_KINDS } from '../../../../native/api/run-kinds.ts';

export const TRAINING_KINDS = TRAINING_RUN_KINDS;
export const PLAYGROUND_KIND = 'generation';

export const isTraining = (run: Pick<Run, 'kind'>): boolean => TRAINING_KINDS.includes(run.kind);
export const isPlayground = (run: Pick<Run, 'kind'>): boolean => run.kind === PLAYGROUND_KIND;

/** Runs that can sit in one comparison: evaluations with evaluations, training runs with training runs. */
export function compareFamily(run: Pick<Run, 'kind'>): 'evaluation' | 'training' | null {
  if (run.kind === 'evaluation') return 'evaluation';
  return isTraining(run) ? 'training' : null;
}

/** A stopped training run continues from its last checkpoint (train.resume); a finished one does not. */
export const isResumable = (run: Pick<Run, 'kind' | 'status'>): boolean => isTraining(run) && ['interrupted', 'failed', 'cancelled'].includes(run.status);

export const newestFirst = <T extends Pick<Run, 'createdAt' | 'id'>>(runs: readonly T[]): T[] =>
  [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
