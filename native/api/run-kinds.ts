// The kinds of run that train (each checkpointed, and resumable from its last checkpoint). A file of its own, free
// of zod, so the renderer can import it without the API schemas.

export const TRAINING_RUN_KINDS: readonly string[] = ['finetune', 'pretrain', 'dpo', 'reward', 'ppo'];

export const isTrainingKind = (kind: string): boolean => TRAINING_RUN_KINDS.includes(kind);
