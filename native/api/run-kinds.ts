// The kinds of run that train (each checkpointed, and resumable from its last checkpoint). A file of its own, free
// of zod, so the renderer can import it without the API schemas.

export const TRAINING_RUN_KINDS: readonly string[] = ['finetune', 'pretrain', 'dpo', 'reward', 'ppo'];

export const isTrainingKind = (kind: string): boolean => TRAINING_RUN_KINDS.includes(kind);

/**
 * What a training run of `kind` counts as it goes, the x of its curves and the number its progress and checkpoints
 * give: PPO records one value per iteration (rollouts, scoring, then several optimiser steps), the others one per
 * optimiser step.
 */
export const stepUnitOf = (kind: string): 'step' | 'iteration' => (kind === 'ppo' ? 'iteration' : 'step');
