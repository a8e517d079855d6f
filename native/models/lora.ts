// LoRA (Hu et al. 2021, as PEFT implements it): a frozen projection y = x W^T gains a low-rank branch
// y' = y + (α/r) · dropout(x) A^T B^T, A (r, in), B (out, r). A starts uniform (PEFT's kaiming_uniform(a=√5),
// i.e. ±1/√in), B at zero, so the adapted model starts equal to the base. The branch is injected through the
// decoder builders' `adapt` hook; its tensors carry PEFT's names so they can be written out unchanged.
import type { GraphBuilder, Value } from '../onnx/index.ts';
import type { Family, ModelSpec } from './config.ts';
import { initTensors, type InitSpec } from './init.ts';
import type { LinearAdapter } from './layers.ts';
import type { Tensor } from './safetensors.ts';

export interface LoraConfig {
  r: number;
  alpha: number;
  dropout: number;
  /** Module names (last component, e.g. q_proj) or full module paths. */
  targetModules: string[];
}

/** Every projection LoRA can adapt, per family. */
export const LORA_TARGETS: Record<Family, readonly string[]> = {
  llama: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
  gpt2: ['c_attn', 'c_proj', 'c_fc'],
};

/** PEFT's defaults for these architectures (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING). */
export const DEFAULT_LORA_TARGETS: Record<Family, string[]> = { llama: ['q_proj', 'v_proj'], gpt2: ['c_attn'] };

export interface LoraModule {
  /** HF module path, e.g. model.layers.0.self_attn.q_proj or transformer.h.0.attn.c_attn. */
  module: string;
  inFeatures: number;
  outFeatures: number;
}

export const loraScale = (c: LoraConfig): number => c.alpha / c.r;
export const loraAName = (module: string): string => `base_model.model.${module}.lora_A.weight`;
export const loraBName = (module: string): string => `base_model.model.${module}.lora_B.weight`;

/** All adaptable projections of a model with their sizes, in layer order. */
export function projectionModules(spec: ModelSpec): LoraModule[] {
  const { hiddenSize: C, numHeads: nh, numKvHeads: nkv, headDim: hs, intermediateSize: F } = spec;
  const out: LoraModule[] = [];
  for (let i = 0; i < spec.numLayers; i++) {
    const add = (module: string, inFeatures: number, outFeatures: number) => out.push({ module, inFeatures, outFeatures });
    if (spec.family === 'gpt2') {
      const p = `transformer.h.${i}`;
      add(`${p}.attn.c_attn`, C, 3 * C);
      add(`${p}.attn.c_proj`, C, C);
      add(`${p}.mlp.c_fc`, C, F);
      add(`${p}.mlp.c_proj`, F, C);
    } else {
      const p = `model.layers.${i}`;
      add(`${p}.self_attn.q_proj`, C, nh * hs);
      add(`${p}.self_attn.k_proj`, C, nkv * hs);
      add(`${p}.self_attn.v_proj`, C, nkv * hs);
      add(`${p}.self_attn.o_proj`, nh * hs, C);
      add(`${p}.mlp.gate_proj`, C, F);
      add(`${p}.mlp.up_proj`, C, F);
      add(`${p}.mlp.down_proj`, F, C);
    }
  }
  return out;
}

/** The modules `config.targetModules` selects (PEFT's suffix match); throws naming unknown targets. */
export function loraModules(spec: ModelSpec, config: LoraConfig): LoraModule[] {
  if (!Number.isInteger(config.r) || config.r < 1) throw new Error(`LoRA rank r must be a whole number ≥ 1; got ${config.r}`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`LoRA dropout must be in [0, 1); got ${config.dropout}`);
  if (config.targetModules.length === 0) throw new Error(`LoRA needs at least one target module (${spec.family}: ${LORA_TARGETS[spec.family].join(', ')})`);
  const all = projectionModules(spec);
  const matches = (m: string, t: string) => m === t || m.endsWith(`.${t}`);
  for (const t of config.targetModules) {
    if (!all.some((m) => matches(m.module, t))) {
      throw new Error(`LoRA target module '${t}' matches nothing in ${spec.architecture}; choose from ${LORA_TARGETS[spec.family].join(', ')}`);
    }
  }
  return all.filter((m) => config.targetModules.some((t) => matches(m.module, t)));
}

/** The configuration LoRA uses unless told otherwise: rank 8, alpha 16, PEFT's default targets. */
export function defaultLoraConfig(spec: ModelSpec): LoraConfig {
  return { r: 8, alpha: 16, dropout: 0.05, targetModules: DEFAULT_LORA_TARGETS[spec.family] };
}

/** Per adaptable module name (q_proj, c_attn, ...): in + out features summed over layers, i.e. its parameters at rank 1. */
export function loraParametersPerRank(spec: ModelSpec): Record<string, number> {
  return Object.fromEntries(LORA_TARGETS[spec.family].map((t) => [t, loraModules(spec, { r: 1, alpha: 1, dropout: 0, targetModules: [t] }).reduce((s, m) => s + m.inFeatures + m.outFeatures, 0)]));
}

/** Trainable parameters of LoRA with this config: r · (in + out) per adapted module. */
export function loraParameterCount(spec: ModelSpec, config: LoraConfig): number {
  return loraModules(spec, config).reduce((s, m) => s + config.r * (m.inFeatures + m.outFeatures), 0);
}

/** Fresh adapter weights (A uniform ±1/√in, B zero), named as PEFT names them. */
export async function initLoraWeights(spec: ModelSpec, config: LoraConfig, seed: number): Promise<Map<string, Tensor>> {
  const specs: InitSpec[] = loraModules(spec, config).flatMap((m) => [
    { name: loraAName(m.module), shape: [config.r, m.inFeatures], rule: { kind: 'uniform', bound: 1 / Math.sqrt(m.inFeatures) } },
    { name: loraBName(m.module), shape: [m.outFeatures, config.r], rule: { kind: 'constant', value: 0 } },
  ]);
  return initTensors(specs, seed);
}

export interface LoraAdapterOptions {
  /**
   * Apply dropout (training graphs): inputs `lora_dropout_seed` and `lora_dropout_rate` (scalars; feed rate 0 to
   * evaluate). The mask is a hash of the element index and the seed.
   */
  training: boolean;
}

/**
 * The adapter hook: for each adapted module, A and B become initializers under their PEFT names (a training
 * graph promotes them to inputs) and the branch is added to the projection's output.
 */
export function loraAdapter(spec: ModelSpec, config: LoraConfig, weights: ReadonlyMap<string, Tensor>, opts: LoraAdapterOptions): LinearAdapter {
  const modules = new Map(loraModules(spec, config).map((m, i) => [m.module, { ...m, index: i }]));
  const scale = loraScale(config);
  let dropout: { seed: Value; rate: Value } | null = null;
  return (g, module, x, y) => {
    const m = modules.get(module);
    if (!m) return y;
    const tensor = (name: string, shape: number[]): Value => {
      const t = weights.get(name);
      if (!t) throw new Error(`LoRA adapter has no tensor '${name}'`);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
        throw new Error(`LoRA tensor '${name}' has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)} (r=${config.r})`);
      }
      return g.initializer(name, t.data, t.shape);
    };
    const a = tensor(loraAName(module), [config.r, m.inFeatures]); // (r, in)
    const b = tensor(loraBName(module), [m.outFeatures, config.r]); // (out, r)
    let xd = x; // (N, in)
    if (opts.training && config.dropout > 0) {
      dropout ??= { seed: g.input('lora_dropout_seed', 'float32', []), rate: g.input('lora_dropout_rate', 'float32', []) };
      xd = hashDropout(g, x, dropout.rate, dropout.seed, m.index);
    }
    const low = g.op('Gemm', [xd, a], { transB: 1 }); // (N, r)
    // alpha as a plain number (written as a float attribute): the Gemm gradient rule wraps it itself
    const branch = g.op('Gemm', [low, b], { transB: 1, alpha: scale }); // (N, out)
    return g.op('Add', [y, branch]); // (N, out)
  };
}

/**
 * Inverted dropout whose mask is a deterministic function of (element index, seed, module): the classic
 * fract(sin(i·12.9898 + s·78.233)·43758.5453) hash. A step's mask depends only on the seed fed that step, so a
 * resumed run draws the same masks as an uninterrupted one.
 */
function hashDropout(g: GraphBuilder, x: Value, rate: Value, seed: Value, module: number): Value {
  const size = g.op('Size', [x]);
  const idx = g.op('Cast', [g.op('Range', [g.scalar(0, 'int64'), size, g.scalar(1, 'int64')])], { to: 1 });
  const arg = g.op('Add', [g.op('Mul', [idx, g.scalar(12.9898)]), g.op('Mul', [g.op('Add', [seed, g.scalar(module * 0.6180339)]), g.scalar(78.233)])]);
  const h = g.op('Mul', [g.op('Sin', [arg]), g.scalar(43758.5453)]);
  const u = g.op('Sub', [h, g.op('Floor', [h])]); // [0, 1)
  const keep = g.op('Reshape', [g.op('GreaterOrEqual', [u, rate]), g.op('Shape', [x])], {}, { types: [{ dtype: 'bool', shape: x.shape }] });
  return g.op('Where', [keep, g.op('Div', [x, g.op('Sub', [g.scalar(1), rate])]), g.scalar(0)]);
}
