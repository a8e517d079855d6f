// The PPO training graph of RLHF, built from the same decoder as every other graph: the policy's logits and, on the
// same trunk, a value head as TRL's AutoModelForCausalLMWithValueHead has it (`v_head.summary`, a linear layer from
// the final normalised hidden state to one value per position), then the PPO loss (autograd/ppo-losses.ts). Full
// training trains every weight and the head; LoRA trains the adapters and the head, the base frozen.
// Inputs: input_ids, attention_mask, position_ids, labels (B, T) as for fine-tuning, and the rollout's `old_logps`,
// `old_values`, `advantages`, `returns` (B, T) float32 aligned with labels.
import { PPO_METRICS, ppoLoss, type PpoLossOptions } from '../autograd/index.ts';
import type { Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { buildDecoderGraph } from './decoder.ts';
import { loraAdapter } from './lora.ts';
import type { Tensor } from './safetensors.ts';
import { trainingParts, type TrainingGraph, type TrainingMethod } from './training-graph.ts';

export const VALUE_HEAD_WEIGHT = 'v_head.summary.weight';
export const VALUE_HEAD_BIAS = 'v_head.summary.bias';

/** A value head that predicts 0 everywhere at first (TRL draws it at random; zeros keep a run a function of its seed alone). */
export function initialValueHead(spec: ModelSpec): Map<string, Tensor> {
  return new Map([
    [VALUE_HEAD_WEIGHT, { shape: [1, spec.hiddenSize], data: new Float32Array(spec.hiddenSize) }],
    [VALUE_HEAD_BIAS, { shape: [1], data: new Float32Array(1) }],
  ]);
}

/** The head's tensors: from the checkpoint when it holds them (a resumed full run), else `head`. */
function headTensor(weights: CheckpointWeights, head: ReadonlyMap<string, Tensor>, name: string, shape: number[]): Tensor {
  if (weights.has(name)) return weights.read(name, shape);
  const t = head.get(name);
  if (!t) throw new Error(`buildPpoTrainingGraph: no initial value for ${name}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) throw new Error(`${name} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
  return t;
}

export function buildPpoTrainingGraph(spec: ModelSpec, weights: CheckpointWeights, method: TrainingMethod, head: ReadonlyMap<string, Tensor>, loss: PpoLossOptions): TrainingGraph {
  const adapt = method.kind === 'lora' ? loraAdapter(spec, method.config, method.weights, { training: true }) : undefined;
  const g = buildDecoderGraph(spec, weights, { withPast: false, adapt, outputHiddenStates: true });
  const find = (name: string): Value => {
    const v = g.outputs.find((o) => o.name === name);
    if (!v) throw new Error(`buildPpoTrainingGraph: the ${spec.architecture} graph has no ${name} output`);
    return v;
  };
  const [logits, hidden] = [find('logits'), find('last_hidden_state')];
  g.outputs.splice(0, g.outputs.length);
  const C = spec.hiddenSize;
  const w = headTensor(weights, head, VALUE_HEAD_WEIGHT, [1, C]);
  const b = headTensor(weights, head, VALUE_HEAD_BIAS, [1]);
  const perPosition = g.op('Add', [g.op('MatMul', [hidden, g.op('Transpose', [g.initializer(VALUE_HEAD_WEIGHT, w.data, w.shape)], { perm: [1, 0] })]), g.initializer(VALUE_HEAD_BIAS, b.data, b.shape)]); // (B, T, 1)
  const values = g.op('Squeeze', [perPosition, g.ints([2])], {}, { types: [{ dtype: 'float32', shape: ['B', 'T'] }] });
  const labels = g.input('labels', 'int64', ['B', 'T']);
  const input = (name: string) => g.input(name, 'float32', ['B', 'T']);
  const out = ppoLoss(g, logits, labels, values, { oldLogps: input('old_logps'), oldValues: input('old_values'), advantages: input('advantages'), returns: input('returns') }, loss);
  g.prune([out.loss.name, ...Object.values(out.metrics).map((m) => m.name)]);
  const parts = trainingParts(spec, g, method);
  return { ...parts, trainable: [...parts.trainable, VALUE_HEAD_WEIGHT, VALUE_HEAD_BIAS], loss: out.loss, metrics: Object.fromEntries(PPO_METRICS.map((m) => [m, out.metrics[m]])) };
}
