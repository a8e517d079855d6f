// How a model's origin reads on its card (counts and bytes: native/api/format.ts, shared with the CLI).
/**
 * Where a model came from, from its `source` field (llama2c:/path, import:/path, hub:owner/name, and training
 * outputs: pretrain:runId, finetune:runId, finetune-merge:runId, and dpo / ppo (-merge) likewise — native/models/import.ts
 * ImportOptions.source, native/train/policy-outputs.ts; Integrate's outputs merge:baseId:adapterDir and
 * quantize:baseId:dtype — native/deploy/merge-model.ts, quantize-model.ts). `nameOf` names a base model by its id.
 */
export function describeSource(source: string, nameOf: (id: string) => string | undefined = () => undefined): string {
  const [kind, ...rest] = source.split(':');
  const where = rest.join(':');
  if (kind === 'merge' || kind === 'quantize') {
    const [baseId, ...detail] = rest;
    const base = nameOf(baseId) ?? baseId;
    if (kind === 'quantize') return `Quantised (${detail.join(':')}) from ${base}`;
    // The adapter folder: a Lathe run's (…/runs/<id>/adapter) by its run, any other by its folder name.
    const adapter = detail.join(':');
    const run = /[\\/]runs[\\/](run_[^\\/]+)[\\/]adapter[\\/]?$/.exec(adapter)?.[1];
    return `LoRA adapter merged into ${base} · ${run ? `run ${run}` : `adapter ${adapter.split(/[\\/]/).filter(Boolean).pop() ?? adapter}`}`;
  }
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
