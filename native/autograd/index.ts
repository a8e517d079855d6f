/**
 * native/autograd — reverse-mode differentiation of graphs built with native/onnx, in standard ONNX ops.
 *
 * ```ts
 * const grads = appendBackward(g, loss, [w1, w2]);   // Map name → gradient Value (same shape as the operand)
 * const step = appendOptimizer(g, { params, grads, optimizer: { kind: 'adamw', … } });  // see optim.ts
 * ```
 */
export { appendBackward } from './backward.ts';
export type { BackwardOptions } from './backward.ts';
export { GRADIENT_RULES } from './rules.ts';
export type { GradRule } from './rules.ts';
export { GradContext } from './context.ts';
export { crossEntropyLoss } from './losses.ts';
export type { CrossEntropyOptions } from './losses.ts';
export { appendOptimizer, stateNames } from './optim.ts';
export type { OptimizerGraph, OptimizerOptions, OptimizerSpec, ParamSlots } from './optim.ts';
export { buildTrainingStep, metricOutput } from './step.ts';
export { TrainingSession } from './training-session.ts';
export type { Feeds, HostTensor, StepResult, TrainingSessionOptions } from './training-session.ts';
export type { TrainingStepGraphs, TrainingStepSpec } from './step.ts';
export { PREFERENCE_LOSSES, PREFERENCE_METRICS, pairwiseRewardLoss, preferenceLoss, sequenceLogProbs, tokenLogProbs } from './preference-losses.ts';
export type { PreferenceLoss, PreferenceLossKind, PreferenceLossOptions } from './preference-losses.ts';
export { PPO_METRICS, ppoLoss } from './ppo-losses.ts';
export type { PpoInputs, PpoLossOptions, PpoMetric } from './ppo-losses.ts';
