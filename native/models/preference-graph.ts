// The graphs of preference training (DPO and its variants), built from the same decoder as every other graph:
// - the training graph: the policy's logits over a batch of 2b rows (chosen rows, then rejected), the reference's
//   summed log-probabilities fed as `ref_logps` (2b), the preference loss and TRL's metrics;
// - the reference graph: the frozen model's summed log-probabilities of each row's completion, run once per example
//   before training. With LoRA the reference is the base without the adapter, with full training the weights the run
//   started from; either way no second copy of the weights is held while training.
import { PREFERENCE_METRICS, preferenceLoss, sequenceLogProbs, type PreferenceLossOptions } from '../autograd/index.ts';
import type { GraphBuilder } from '../onnx/index.ts';
import type { CheckpointWeights } from './checkpoint.ts';
import type { ModelSpec } from './config.ts';
import { buildDecoderGraph } from './decoder.ts';
import { IGNORE_INDEX, trainingLogits, trainingParts, type TrainingGraph, type TrainingMethod } from './training-graph.ts';

/** Inputs as buildTrainingGraph's (rows: b chosen, then b rejected) plus `ref_logps` (2b) float32. */
export function buildPreferenceTrainingGraph(spec: ModelSpec, weights: CheckpointWeights, method: TrainingMethod, loss: PreferenceLossOptions): TrainingGraph {
  const { g, logits, labels } = trainingLogits(spec, weights, method);
  const ref = g.input('ref_logps', 'float32', ['B']);
  const out = preferenceLoss(g, logits, labels, ref, { ...loss, ignoreIndex: IGNORE_INDEX });
  return { ...trainingParts(spec, g, method), loss: out.loss, metrics: Object.fromEntries(PREFERENCE_METRICS.map((m) => [m, out.metrics[m]])) };
}

/** Inputs input_ids, attention_mask, position_ids, labels (B, T); output `logps` (B): Σ log p(label) over scored labels. */
export function buildSequenceLogProbGraph(spec: ModelSpec, weights: CheckpointWeights): GraphBuilder {
  const g = buildDecoderGraph(spec, weights, { withPast: false });
  const logits = g.outputs.find((o) => o.name === 'logits');
  if (!logits) throw new Error(`buildSequenceLogProbGraph: the ${spec.architecture} graph has no logits output`);
  g.outputs.splice(0, g.outputs.length);
  const { logps } = sequenceLogProbs(g, logits, g.input('labels', 'int64', ['B', 'T']), IGNORE_INDEX);
  g.output(logps, 'logps');
  g.prune([]);
  return g;
}
