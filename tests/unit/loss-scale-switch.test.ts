// A run's loss charts offer a linear / log switch where every value is a loss above 0: the step loss and validation
// loss of every trainer (fine-tune, DPO, reward model, pretraining) and PPO's value loss, a squared error, on its own
// chart on the run page and in Compare (both take the switch from scaleKindOf). PPO's policy loss goes below 0: its
// chart offers none.
import { describe, expect, it } from 'vitest';
import { scaleKindOf } from '../../renderer/src/pages/runs/trainingMetrics.ts';

describe('the linear / log switch of loss charts', () => {
  it('is offered for losses that stay above 0, PPO’s value loss among them, one kind for all', () => {
    for (const name of ['loss', 'val_loss', 'loss/value']) expect(scaleKindOf(name), name).toBe('loss');
    for (const name of ['loss/policy', 'kl', 'rewards/margins', 'score/mean', 'lr']) expect(scaleKindOf(name), name).toBeUndefined();
  });
});
