// Studio API handlers for alignment (schemas in native/api/align.ts): a DPO request is checked against the store
// before its job is queued, so bad input is an error at once rather than a failed job. Resume and cancel are
// train.resume / train.cancel, which handle 'dpo' and 'ppo' runs like the others. align.preview reads a dataset as
// they would; a PPO run's rollout tables are read from its run folder (ppo-table.ts), whole (align.rollouts) or as
// the held-out prompts before and after training (align.samples).
import type { alignMethods } from '../api/align.ts';
import { StudioError } from '../api/errors.ts';
import { withArticle } from '../api/format.ts';
import { alignPreview } from '../data/align-preview.ts';
import { planDpo } from '../train/dpo-plan.ts';
import { planPpo } from '../train/ppo-plan.ts';
import { pairHeldout } from '../train/ppo-samples.ts';
import { readRolloutTable, rolloutSteps } from '../train/ppo-table.ts';
import { runDir } from '../train/run-env.ts';
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
  'align.ppo': (input, _raw, ctx) => {
    planPpo(input, ctx.store, ctx.dataDir);
    return ctx.queue.enqueue('ppo', input);
  },
  'align.rollouts': ({ runId, step }, _raw, ctx) => {
    const run = ctx.store.runs.find(runId);
    if (run.kind !== 'ppo') throw new StudioError('invalid_params', `run ${runId} is ${withArticle(run.kind)} run; only PPO runs have rollouts`, { field: 'runId' });
    const dir = runDir(ctx.dataDir, run.id);
    const steps = rolloutSteps(dir);
    const want = step ?? steps.at(-1);
    if (step !== undefined && !steps.includes(step)) throw new StudioError('not_found', `run ${runId} has no rollouts at step ${step} (steps with rollouts: ${steps.join(', ') || 'none yet'})`, { field: 'step' });
    return { steps, table: want === undefined ? null : readRolloutTable(dir, want) };
  },
  'align.samples': ({ runId, step }, _raw, ctx) => {
    const run = ctx.store.runs.find(runId);
    if (run.kind !== 'ppo') throw new StudioError('invalid_params', `run ${runId} is ${withArticle(run.kind)} run; only PPO runs have held-out samples`, { field: 'runId' });
    const dir = runDir(ctx.dataDir, run.id);
    // the iterations that evaluated (their held-out metric) and whose table is written (it follows the metric)
    const evaluated = new Set(ctx.store.runs.metrics(run.id, 'eval/score_mean').map((m) => m.step));
    const steps = rolloutSteps(dir).filter((s) => evaluated.has(s));
    const later = steps.filter((s) => s > 0);
    if (step !== undefined && !later.includes(step)) throw new StudioError('not_found', `run ${runId} scored no held-out prompts at iteration ${step} (iterations that did: ${later.join(', ') || 'none yet'})`, { field: 'step' });
    const after = step ?? later.at(-1);
    return pairHeldout(steps, steps.includes(0) ? readRolloutTable(dir, 0) : null, after === undefined ? null : readRolloutTable(dir, after));
  },
};
