// A run's recorded config as people read it (`lathe runs show`, the run page's settings table). The record itself
// keeps every field, because training and resume read it back: a full fine-tune (or DPO, PPO) still records the
// LoRA defaults its input schema filled in, and shown as they are they read as if the run used LoRA. Free of zod,
// so the renderer can import it.

/** Fields that only a LoRA run reads: its adapter settings, the modules it adapts, whether the adapter is merged into the base. */
const LORA_ONLY_FIELDS = ['lora', 'loraTargets', 'merge'];

/** The config to show: a full run's (method 'full') without its LoRA-only fields; any other config as it is. */
export function shownRunConfig(config: unknown): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  if ((config as { method?: unknown }).method !== 'full') return config;
  return Object.fromEntries(Object.entries(config).filter(([key]) => !LORA_ONLY_FIELDS.includes(key)));
}
