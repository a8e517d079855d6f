// Studio API handlers for alignment (schemas in native/api/align.ts): a DPO request is checked against the store
// before its job is queued, so bad input is an error at once rather than a failed job. Resume and cancel are
// train.resume / train.cancel, which handle 'dpo' runs like the others. align.preview reads a dataset as they would.
import type { alignMethods } from '../api/align.ts';
import { alignPreview } from '../data/align-preview.ts';
import { planDpo } from '../train/dpo-plan.ts';
import { planReward } from '../train/reward.ts';
import type { HandlersFor } from './context.ts';

export const alignHandlers: HandlersFor<typeof alignMethods> = {
  'align.preview': (input, _raw, ctx) => alignPreview(ctx.dataDir, ctx.store.datasets.find(input.dataset, 'dataset'), { kind: input.kind, limit: input.limit }),
  'align.dpo': (input, _raw, ctx) => {
    planDpo(input, ctx.store); // model, dataset, mapping and hyperparameters, before a job or run exists
    return ctx.queue.enqueue('dpo', input);
  },
  'align.reward': (input, _raw, ctx) => {
    planReward(input, ctx.store);
    return ctx.queue.enqueue('reward', input);
  },
};
