// The names a new model gets when the user gives none: what it was made from and what was done to it
// ('s260k-lora-merged', 's260k-dpo', 'llama-pretrained'), with -2, -3 … only when the name is taken. Readable
// names rather than run ids, since a model is picked by its name in the studio and the CLI. Pure functions: the
// engine names what a run registers with them and the renderer suggests the same names; the store still refuses
// a taken name (models.requireFreeName), so a suggestion that went stale fails loudly rather than overwriting.

/** A policy-tuning run's kind (or, for fine-tuning, its method) as the name says it; a merged LoRA says so too. */
export function tunedModelName(baseName: string, tag: string, mergedLora: boolean): string {
  return `${baseName}-${tag}${mergedLora ? '-merged' : ''}`;
}

/** The tag a run kind puts in its model's name: fine-tuning by its method (lora, full), the others by kind. */
export function runNameTag(kind: string, method: 'lora' | 'full'): string {
  return kind === 'finetune' ? method : kind;
}

/** A from-scratch model: its architecture family, pretrained. */
export function pretrainedModelName(family: string): string {
  return `${family}-pretrained`;
}

/** `name` when free, else the first of name-2, name-3 … that `taken` says is free. */
export function firstFreeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  for (let n = 2; ; n++) if (!taken(`${name}-${n}`)) return `${name}-${n}`;
}
