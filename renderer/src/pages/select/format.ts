// How a model's origin reads on its card (counts and bytes: native/api/format.ts, shared with the CLI).
/**
 * Where a model came from, from its `source` field (llama2c:/path, import:/path, hub:owner/name, and training
 * outputs: pretrain:runId, finetune:runId, finetune-merge:runId, and dpo / ppo (-merge) likewise — native/models/import.ts
 * ImportOptions.source, native/train/policy-outputs.ts).
 */
export function describeSource(source: string): string {
  const [kind, ...rest] = source.split(':');
  const where = rest.join(':');
  if (kind === 'llama2c') return `llama2.c checkpoint · ${where.split(/[\\/]/).pop()}`;
  if (kind === 'import') return `Imported folder · ${where.split(/[\\/]/).pop()}`;
  if (kind === 'gguf') return `GGUF file · ${where.split(/[\\/]/).pop()}`;
  if (kind === 'hub') return `Hugging Face Hub · ${where}`;
  if (kind === 'pretrain') return `Trained from scratch · run ${where}`;
  if (kind === 'finetune') return `Fine-tuned (full) · run ${where}`;
  if (kind === 'finetune-merge') return `Fine-tuned (LoRA, merged) · run ${where}`;
  if (kind === 'dpo') return `Aligned with DPO (full) · run ${where}`;
  if (kind === 'dpo-merge') return `Aligned with DPO (LoRA, merged) · run ${where}`;
  if (kind === 'ppo') return `Aligned with PPO (full) · run ${where}`;
  if (kind === 'ppo-merge') return `Aligned with PPO (LoRA, merged) · run ${where}`;
  return source;
}
