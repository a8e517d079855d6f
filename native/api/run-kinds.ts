// The kinds of run that train (each checkpointed, and resumable from its last checkpoint). A file of its own, free
// of zod, so the renderer can import it without the API schemas.

export const TRAINING_RUN_KINDS: readonly string[] = ['finetune', 'pretrain', 'dpo', 'reward', 'ppo'];

export const isTrainingKind = (kind: string): boolean => TRAINING_RUN_KINDS.includes(kind);

/**
 * The kinds whose LoRA runs write runs/<id>/adapter (train/finetune.ts, train/policy-outputs.ts): the adapters the
 * Integrate page merges and `lathe serve-api` serves as <model>:<run id>.
 */
export const ADAPTER_RUN_KINDS = ['finetune', 'dpo', 'ppo'] as const;

export const isAdapterKind = (kind: string): boolean => (ADAPTER_RUN_KINDS as readonly string[]).includes(kind);

/**
 * What a training run of `kind` counts as it goes, the x of its curves and the number its progress and checkpoints
 * give: PPO records one value per iteration (rollouts, scoring, then several optimiser steps), the others one per
 * optimiser step.
 */
export const stepUnitOf = (kind: string): 'step' | 'iteration' => (kind === 'ppo' ? 'iteration' : 'step');
