// Parameter count and training memory of a from-scratch model, computed here before anything runs. The
// engine has no dry-run method (train.pretrain starts the job at once), so this mirrors its formula
// (native/train/pretrain.ts pretrainModelConfig + native/models/params.ts): GPT-2 with a 4×d MLP and learned
// positions, Llama with a SwiGLU MLP of ⌈8d/3⌉ rounded to 8, both with tied embeddings; memory = 16 bytes per
// parameter (fp32 weights, gradients, two AdamW moments). The engine logs its own count as the job starts.

export type Family = 'gpt2' | 'llama';
export interface ModelShape { family: Family; layers: number; heads: number; dModel: number; context: number; vocab: number }
export interface Plan { embeddings: number; attention: number; mlp: number; norms: number; total: number; trainingBytes: number; mlpWidth: number; headDim: number }

export function pretrainPlan(s: ModelShape): Plan {
  const { layers: L, dModel: C, vocab: V, context: P } = s;
  if (s.family === 'gpt2') {
    const F = 4 * C;
    const embeddings = V * C + P * C;
    const attention = L * (C * 3 * C + 3 * C + C * C + C);
    const mlp = L * (C * F + F + F * C + C);
    const norms = L * 4 * C + 2 * C;
    return finish({ embeddings, attention, mlp, norms, mlpWidth: F, headDim: C / s.heads });
  }
  const F = Math.ceil((8 * C) / 3 / 8) * 8;
  const embeddings = V * C;
  const attention = L * 4 * C * C; // q, k, v, o with as many key/value heads as query heads
  const mlp = L * 3 * F * C;
  const norms = L * 2 * C + C;
  return finish({ embeddings, attention, mlp, norms, mlpWidth: F, headDim: C / s.heads });
}

function finish(p: Omit<Plan, 'total' | 'trainingBytes'>): Plan {
  const total = p.embeddings + p.attention + p.mlp + p.norms;
  return { ...p, total, trainingBytes: 16 * total };
}

/** What is wrong with a shape, by field (the engine's own limits from PretrainInput). */
export function shapeProblems(s: ModelShape): Partial<Record<keyof ModelShape, string>> {
  const out: Partial<Record<keyof ModelShape, string>> = {};
  const whole = (k: keyof ModelShape, v: number, min: number, max: number) => {
    if (!Number.isInteger(v)) out[k] = 'Enter a whole number.';
    else if (v < min || v > max) out[k] = `Between ${min.toLocaleString()} and ${max.toLocaleString()}.`;
  };
  whole('layers', s.layers, 1, 96);
  whole('heads', s.heads, 1, 128);
  whole('dModel', s.dModel, 8, 16384);
  whole('context', s.context, 8, 32768);
  whole('vocab', s.vocab, 260, 262144);
  if (!out.dModel && !out.heads && s.dModel % s.heads !== 0) out.dModel = `Must be divisible by the ${s.heads} heads.`;
  return out;
}
