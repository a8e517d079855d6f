// The training forward graph of a causal LM, built from the same architecture description as inference:
// the prefill graph (no KV cache) with its cache outputs dropped, plus `labels` (B, T) and the mean
// next-token cross-entropy over labels ≠ -100. Full fine-tuning trains every checkpoint tensor; LoRA trains
// only the adapter tensors, and the frozen base stays inside the graph as initializers, so the backward
// computes no weight gradient for it (autograd prunes what no trainable value needs).
import { crossEntropyLoss } from '../autograd/index.ts';
import type { GraphBuilder, Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { buildDecoderGraph } from './decoder.ts';
import { loraAName, loraAdapter, loraBName, loraModules, type LoraConfig } from './lora.ts';
import { expectedTensors } from './params.ts';
import type { Tensor } from './safetensors.ts';

/** Labels equal to this are not scored (prompt tokens, padding), as in PyTorch and transformers. */
export const IGNORE_INDEX = -100;

export type TrainingMethod = { kind: 'full' } | { kind: 'lora'; config: LoraConfig; weights: ReadonlyMap<string, Tensor> };

export interface TrainingGraph {
  graph: GraphBuilder;
  loss: Value;
  /** Names of the trainable tensors (graph initializers until buildTrainingStep promotes them). */
  trainable: string[];
  /** Whether the graph takes a `lora_dropout_seed` input. */
  dropoutSeed: boolean;
  /** Scalars reported beside the loss at every step (DPO's rewards), by name. */
  metrics?: Record<string, Value>;
}

/**
 * Inputs: input_ids, attention_mask, position_ids (B, T) int64 as for inference, labels (B, T) int64 already
 * shifted (labels[t] is the token after input_ids[t]). Output: the scalar loss.
 */
export function buildTrainingGraph(spec: ModelSpec, weights: CheckpointWeights, method: TrainingMethod): TrainingGraph {
  const { g, logits, labels } = trainingLogits(spec, weights, method);
  return { ...trainingParts(spec, g, method), loss: crossEntropyLoss(g, logits, labels, { ignoreIndex: IGNORE_INDEX }) };
}

/** The prefill graph's logits (B, T, V) with its outputs dropped, and the `labels` input every training loss scores. */
export function trainingLogits(spec: ModelSpec, weights: CheckpointWeights, method: TrainingMethod): { g: GraphBuilder; logits: Value; labels: Value } {
  const adapt = method.kind === 'lora' ? loraAdapter(spec, method.config, method.weights, { training: true }) : undefined;
  const g = buildDecoderGraph(spec, weights, { withPast: false, adapt });
  const logits = g.outputs.find((o) => o.name === 'logits');
  if (!logits) throw new Error(`buildTrainingGraph: the ${spec.architecture} graph has no logits output`);
  g.outputs.splice(0, g.outputs.length); // the KV cache and logits are not needed to train
  return { g, logits, labels: g.input('labels', 'int64', ['B', 'T']) };
}

/** What a training graph trains (every checkpoint tensor, or the adapters) and whether it takes dropout inputs. */
export function trainingParts(spec: ModelSpec, g: GraphBuilder, method: TrainingMethod): Omit<TrainingGraph, 'loss'> {
  const trainable =
    method.kind === 'lora'
      ? loraModules(spec, method.config).flatMap((m) => [loraAName(m.module), loraBName(m.module)])
      : expectedTensors(spec)
          .map((t) => [t.name, ...(t.aliases ?? [])].find((n) => g.initializers.has(n)))
          .filter((n): n is string => n !== undefined);
  return { graph: g, trainable, dropoutSeed: g.inputs.some((v) => v.name === 'lora_dropout_seed') };
}
