// Reward models and sequence classifiers as transformers builds them (LlamaForSequenceClassification,
// GPT2ForSequenceClassification): the decoder's final normalised hidden states, a linear `score` head without bias
// (num_labels, C), read at each row's last real token. Built from the same decoder as every other graph; trained in
// full (every checkpoint tensor and score.weight). Two objectives:
// - pairwise: one score per sequence, rows b chosen then b rejected, loss −log σ(r_c − r_r − margin);
// - classify: num_labels scores, cross-entropy against `class_labels` (B).
// Inputs: input_ids, attention_mask, position_ids (B, T) as for training, `sequence_ends` (B) int64 (the position of
// each row's last real token; rows are right-padded).
import { crossEntropyLoss, pairwiseRewardLoss } from '../autograd/index.ts';
import type { GraphBuilder, Value } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { buildDecoderGraph } from './decoder.ts';
import type { Tensor } from './safetensors.ts';
import { trainingParts, type TrainingGraph } from './training-graph.ts';

export const SCORE_WEIGHT = 'score.weight';

export type RewardObjective = { kind: 'pairwise'; margin: number } | { kind: 'classify'; numLabels: number };

/** The decoder with its scores (B, L) at each row's last real token; `score.weight` from the checkpoint or `init`. */
export function rewardScores(spec: ModelSpec, weights: CheckpointWeights, numLabels: number, init: Tensor | null): { g: GraphBuilder; scores: Value } {
  const g = buildDecoderGraph(spec, weights, { withPast: false, outputHiddenStates: true });
  const hidden = g.outputs.find((o) => o.name === 'last_hidden_state');
  if (!hidden) throw new Error(`rewardScores: the ${spec.architecture} graph has no last_hidden_state output`);
  g.outputs.splice(0, g.outputs.length);
  const C = spec.hiddenSize;
  const score = weights.has(SCORE_WEIGHT) ? weights.read(SCORE_WEIGHT, [numLabels, C]) : init;
  if (!score) throw new Error(`rewardScores: the checkpoint has no ${SCORE_WEIGHT} and no initial head was given`);
  if (score.shape[0] !== numLabels || score.shape[1] !== C) throw new Error(`${SCORE_WEIGHT} has shape ${JSON.stringify(score.shape)}, expected [${numLabels}, ${C}]`);
  const w = g.initializer(SCORE_WEIGHT, score.data, score.shape); // (L, C)
  const perToken = g.op('MatMul', [hidden, g.op('Transpose', [w], { perm: [1, 0] })]); // (B, T, L)
  const ends = g.input('sequence_ends', 'int64', ['B']);
  const positions = g.op('Range', [g.scalar(0, 'int64'), g.op('Squeeze', [g.op('Slice', [g.op('Shape', [hidden]), g.ints([1]), g.ints([2])]), g.ints([0])]), g.scalar(1, 'int64')]); // (T)
  const pick = g.op('Cast', [g.op('Equal', [g.op('Unsqueeze', [positions, g.ints([0])]), g.op('Unsqueeze', [ends, g.ints([1])])])], { to: 1 }); // (B, T)
  const scores = g.op('ReduceSum', [g.op('Mul', [perToken, g.op('Unsqueeze', [pick, g.ints([2])])]), g.ints([1])], { keepdims: 0 }, { types: [{ dtype: 'float32', shape: ['B', numLabels] }] }); // (B, L)
  return { g, scores };
}

/** The training graph of a reward model or classifier (full training; metrics: accuracy, and margin for pairs). */
export function buildRewardTrainingGraph(spec: ModelSpec, weights: CheckpointWeights, objective: RewardObjective, init: Tensor | null): TrainingGraph {
  const numLabels = objective.kind === 'pairwise' ? 1 : objective.numLabels;
  const { g, scores } = rewardScores(spec, weights, numLabels, init);
  let loss: Value;
  let metrics: Record<string, Value>;
  if (objective.kind === 'pairwise') {
    const out = pairwiseRewardLoss(g, g.op('Reshape', [scores, g.ints([-1])]), objective.margin);
    [loss, metrics] = [out.loss, { accuracy: out.accuracy, margin: out.margin }];
  } else {
    const labels = g.input('class_labels', 'int64', ['B']);
    loss = crossEntropyLoss(g, scores, labels);
    const predicted = g.op('ArgMax', [scores], { axis: 1, keepdims: 0 });
    metrics = { accuracy: g.op('ReduceMean', [g.op('Cast', [g.op('Equal', [predicted, labels])], { to: 1 })], { keepdims: 0 }) };
  }
  // the LM head (and an untied lm_head.weight) reaches neither the loss nor a metric: dropped, not computed each step
  g.prune([loss.name, ...Object.values(metrics).map((m) => m.name)]);
  const parts = trainingParts(spec, g, { kind: 'full' });
  return { ...parts, trainable: [...parts.trainable, SCORE_WEIGHT], loss, metrics };
}

/** Inference: `scores` (B, L) for the inputs above. */
export function buildRewardScoreGraph(spec: ModelSpec, weights: CheckpointWeights, numLabels: number): GraphBuilder {
  const { g, scores } = rewardScores(spec, weights, numLabels, null);
  g.output(scores, 'scores');
  g.prune([]);
  return g;
}
