// The line a pretraining run logs as it starts says its training memory in humanBytes' units, as the builder page's
// "Memory to train" does: it printed a hand-rolled "(bytes / 2^20).toFixed(1) MiB" beside the page's "MB".
import { describe, expect, it } from 'vitest';
import { humanBytes } from '../../native/api/format.ts';
import { pretrainModelConfig, pretrainPlan, pretrainPlanLine } from '../../native/train/pretrain-shape.ts';
import { pretrainPlan as studioPlan, type ModelShape } from '../../renderer/src/pages/pretrain/pretrainPlan.ts';

describe('the pretraining plan line', () => {
  it.each<ModelShape>([
    { family: 'llama', layers: 2, heads: 2, dModel: 64, context: 128, vocab: 512 },
    { family: 'gpt2', layers: 6, heads: 8, dModel: 512, context: 256, vocab: 8192 },
  ])('says $family memory as the studio does', (shape) => {
    const plan = pretrainPlan(pretrainModelConfig(shape));
    const line = pretrainPlanLine(shape, plan);
    expect(line).toContain(`: ${plan.parameters.toLocaleString('en')} parameters, about ${humanBytes(plan.trainingBytes)} for weights, gradients and AdamW state`);
    expect(line).toContain(`about ${humanBytes(studioPlan(shape).trainingBytes)} for`);
    expect(line).not.toContain('MiB');
  });

  it('words a small model as people read it', () => {
    const shape: ModelShape = { family: 'llama', layers: 2, heads: 2, dModel: 64, context: 128, vocab: 512 };
    expect(pretrainPlanLine(shape, pretrainPlan(pretrainModelConfig(shape)))).toMatch(/^llama: 2 layers, 2 heads, d=64, context 128, vocab 512: [\d,]+ parameters, about \d+(\.\d)? MB for weights, gradients and AdamW state$/);
  });
});
