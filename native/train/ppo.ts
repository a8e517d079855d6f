// PPO with a KL penalty (the classic RLHF loop, as TRL's PPOTrainer), full or LoRA, from a model in the store, a reward
// run's model and a dataset of prompts: a run of kind 'ppo' under <dataDir>/runs/<id>/ that goes through the stages
// every training run does (run-stages.ts: owned, checkpointed, resumed exactly, cancelled), then a PEFT adapter (and
// optionally the merged model) or a full model, registered like a fine-tuned one.
//
// Each iteration: `batchSize` prompts (a seeded shuffle of the training split, position fixed by the iteration) are
// continued by the policy (ppo-rollouts.ts; sampling seeded by the run's seed and the iteration), scored by the reward
// model, the scores shaped (ppo-score-scaling.ts: scaled by their running std, or not), turned into per-token rewards,
// advantages and returns (ppo-advantages.ts), and trained on for `ppoEpochs` passes of minibatches (one optimiser step
// each, the order seeded by iteration and pass). The KL coefficient then moves (adaptive controller) or stays. A
// checkpoint holds the weights, the optimiser state and, in trainer_state.json, the iteration, the KL coefficient and
// the scores' running moments: with the seeds above that is all a resumed run needs to continue exactly.
//
// Metrics, one value per iteration (step = iteration): score/mean, score/std, kl (mean over rollouts of Σ log π −
// log π_ref over the response), kl_coef (the β the iteration's rewards used), loss, loss/policy, loss/value, clipfrac,
// clipfrac/value, approx_kl, entropy (means over the iteration's minibatches), grad_norm, response_length, with score
// scaling score/running_std (score/mean and score/std are the reward model's own, unscaled), and the time
// split time/rollout_s, time/score_s, time/update_s; on held-out prompts (step 0, every evalEvery, the last):
// eval/score_mean, eval/score_std, eval/kl. The rollouts themselves go to the rollout table (ppo-table.ts). Progress
// is reported as each iteration starts and each evaluation samples, with the time left at the pace after this
// process's first iteration (jobs/eta.ts, as the shared training loop's).
//
// A cancel can land while an iteration's held-out rollouts are sampled, after its update: that iteration is still
// recorded, tabled (held-out part null) and checkpointed, since its weights are final and the work to reach them is
// not thrown away. The checkpoint's heldoutAfter says which iteration was last evaluated; when it is not the
// checkpoint's own iteration and that iteration was due an evaluation, a resumed run does that evaluation first, on
// the checkpoint's weights (the policy the evaluation would have seen) with the held-out seed: the same rows and
// figures as an uninterrupted run, put into that iteration's table beside its training rows.
import fs from 'node:fs';
import path from 'node:path';
import { datasetDir, readRows } from '../data/files.ts';
import { PreferenceRowError } from '../data/preferences.ts';
import { steadyEtaSeconds, type WarmMark } from '../jobs/eta.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { buildPpoTrainingGraph, initialValueHead, VALUE_HEAD_BIAS, VALUE_HEAD_WEIGHT } from '../models/ppo-graph.ts';
import { IGNORE_INDEX } from '../models/training-graph.ts';
import { ort } from '../onnx/index.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import type { RolloutRow } from '../api/align.ts';
import type { Dataset } from '../api/schemas.ts';
import { defaultRunName } from '../api/train.ts';
import { figure, plural } from '../api/format.ts';
import { PPO_METRICS } from '../autograd/index.ts';
import { shuffled } from './batches.ts';
import { writeCheckpoint, type TrainerState } from './checkpoints.ts';
import type { LoopStatus } from './loop.ts';
import { writePolicyOutputs } from './policy-outputs.ts';
import { computeAdvantages, nextKlCoef } from './ppo-advantages.ts';
import { heldoutLine, iterationLine } from './ppo-lines.ts';
import { planPpo, type ResolvedPpoConfig } from './ppo-plan.ts';
import { POLICY_DIR, RolloutModels, type SampledRollout } from './ppo-rollouts.ts';
import { INITIAL_MOMENTS, shapeScores, type ScoreMoments } from './ppo-score-scaling.ts';
import { pairwiseRewardIds, policyPrompt, promptCellText } from './preference-examples.ts';
import { dropRolloutTablesAfter, readRolloutTable, writeRolloutTable } from './ppo-table.ts';
import { RewardScorer } from './reward-score.ts';
import { classifiedIds, scoredIds } from './reward.ts';
import { runDataset, runThreads, runToResume, type TrainEnv } from './run-env.ts';
import { asRun, openPolicyTrainer } from './run-stages.ts';
import { longerPromptAdvice } from './validate.ts';
import type { Feeds } from './session.ts';

/** The metrics of a held-out evaluation, recorded at its iteration. */
const EVAL_METRICS = ['eval/score_mean', 'eval/score_std', 'eval/kl'] as const;

export interface HeldoutScore {
  step: number;
  scoreMean: number;
  kl: number;
}

export interface PpoOutcome {
  runId: string;
  status: LoopStatus;
  /** PPO iterations done. */
  steps: number;
  optimizerSteps: number;
  lastLoss: number | null;
  /** The held-out rollouts' mean score and KL before training (step 0) and at the last evaluation. */
  heldoutBefore: HeldoutScore | null;
  heldoutAfter: HeldoutScore | null;
  /** Mean seconds per iteration of this attempt: generating and the two forward passes, the reward model, the PPO update. */
  timing: { rolloutS: number; scoreS: number; updateS: number } | null;
  /** Prompts (training and held-out) longer than maxPromptLen, cut to their end. */
  truncatedPrompts: number;
  /** The model's context (its positions), which a prompt and the new tokens share. */
  modelContext: number;
  adapterPath: string | null;
  outputModel: string | null;
}

/** The PPO part of trainer_state.json. */
interface PpoState {
  iteration: number;
  klCoef: number;
  heldoutBefore: HeldoutScore | null;
  /** The last held-out evaluation done; its step is the iteration last evaluated (a resumed run does one that is due but missing). */
  heldoutAfter: HeldoutScore | null;
  /** The running moments of the training rollouts' scores (score scaling); absent in runs from before it existed. */
  scoreMoments?: ScoreMoments;
}
type PpoTrainerState = TrainerState & { ppo?: PpoState };

/** A 31-bit seed from the run's seed and a purpose (FNV-1a over their text). */
export function derivedSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('/')) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

/** The prompts of a dataset split (text, or messages rendered: promptCellText), each tokenized and fitted to `maxLen` tokens (policyPrompt), and how many were cut. */
function readPrompts(dataDir: string, dataset: Dataset, split: 'train' | 'validation', column: string, limit: number, tokenizer: TextTokenizer, maxLen: number): { prompts: { text: string; ids: number[] }[]; truncated: number } {
  const rows = readRows(datasetDir(dataDir, dataset.id), split, 0, Math.min(limit, dataset.splits[split] ?? 0)).rows;
  let truncated = 0;
  const prompts = rows.map((r, i) => {
    const where = `dataset ${dataset.name}, ${split} row ${i + 1}`;
    let text: string;
    try {
      text = promptCellText(r[column], tokenizer);
    } catch (err) {
      if (!(err instanceof PreferenceRowError)) throw err;
      throw new Error(`${where}: the ${column} column holds no prompt: ${err.message}`);
    }
    if (!text.trim()) throw new Error(`${where}: the ${column} column is empty; a prompt needs text`);
    const prompt = policyPrompt(text, tokenizer, maxLen);
    if (prompt.truncated) truncated++;
    return { text: prompt.text, ids: prompt.ids };
  });
  return { prompts, truncated };
}

/**
 * A prompt + completion as the reward model reads it, as its reward run built its inputs: a pairwise model's prompt
 * and completion tokenized apart and joined, the prompt cut to the run's maxPromptLen (pairwiseRewardIds, the
 * functions its training pairs went through), a classifier's as one text (classifiedIds, as `lathe reward score`
 * reads a text), each cut to the reward run's sequence length, so a rollout's reward is the score the reward run was
 * measured by. Runs that recorded no reward objective score one text, and those that recorded no rewardSeqLen one text
 * at the model's context: they resume as they ran. Each begins with a BOS by the reward run's rule
 * (rewardBosFollowsTokenizer: where the tokenizer adds one; PPO runs that recorded none, whose reward runs put the
 * BOS the tokenizer names before every input, score so).
 */
export function ppoScoredIds(prompt: string, completion: string, tokenizer: TextTokenizer, reward: Pick<ResolvedPpoConfig, 'rewardSeqLen' | 'rewardObjective' | 'rewardMaxPromptLen' | 'rewardPromptLenCountsBos' | 'rewardBosFollowsTokenizer'>): number[] {
  const { rewardSeqLen: seqLen, rewardMaxPromptLen: maxPromptLen } = reward;
  const followsTokenizer = reward.rewardBosFollowsTokenizer === true;
  if (seqLen === undefined) return scoredIds(prompt + completion, tokenizer, followsTokenizer);
  // the reward run's rule of counting the BOS in its maxPromptLen; PPO runs that recorded none scored by the new one
  const promptLenCountsBos = reward.rewardPromptLenCountsBos ?? true;
  if (reward.rewardObjective === 'pairwise' && maxPromptLen !== undefined) return pairwiseRewardIds(prompt, completion, tokenizer, { seqLen, maxPromptLen, promptLenCountsBos, bosFollowsTokenizer: followsTokenizer });
  return classifiedIds(prompt + completion, tokenizer, seqLen, followsTokenizer);
}

export async function startPpo(input: unknown, env: TrainEnv): Promise<PpoOutcome> {
  const { config, model, dataset } = planPpo(input, env.store, env.dataDir); // before the run exists: bad input leaves none behind
  const run = env.store.runs.create({ kind: 'ppo', name: config.name ?? defaultRunName.ppo(config, model.name, dataset.name), projectId: config.projectId, config, owner: env.owner });
  return continuePpo(run.id, config, env);
}

export async function resumePpo(runId: string, env: TrainEnv): Promise<PpoOutcome> {
  const run = runToResume(env.store, runId, 'ppo', 'lathe align ppo --resume');
  return continuePpo(runId, run.config as ResolvedPpoConfig, env);
}

/** A minibatch's feeds: prompt + response[:-1] right-padded, the response tokens as labels, the rollout's arrays at the same positions. */
function minibatchFeeds(rows: readonly SampledRollout[], arrays: { advantages: number[][]; returns: number[][] }, index: readonly number[], padId: number): Feeds {
  const T = Math.max(...index.map((i) => rows[i].promptIds.length + rows[i].responseIds.length - 1));
  const B = index.length;
  const ids = new BigInt64Array(B * T).fill(BigInt(padId));
  const labels = new BigInt64Array(B * T).fill(BigInt(IGNORE_INDEX));
  const positions = new BigInt64Array(B * T);
  const floats = () => new Float32Array(B * T);
  const [oldLogps, oldValues, advantages, returns] = [floats(), floats(), floats(), floats()];
  index.forEach((i, b) => {
    const r = rows[i];
    const seq = [...r.promptIds, ...r.responseIds];
    for (let t = 0; t < T; t++) positions[b * T + t] = BigInt(t);
    for (let t = 0; t < seq.length - 1; t++) ids[b * T + t] = BigInt(seq[t]);
    r.responseIds.forEach((id, j) => {
      const at = b * T + r.promptIds.length - 1 + j;
      labels[at] = BigInt(id);
      oldLogps[at] = r.logps[j];
      oldValues[at] = r.values[j];
      advantages[at] = arrays.advantages[i][j];
      returns[at] = arrays.returns[i][j];
    });
  });
  const dims = [B, T];
  return {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(B * T).fill(1n), dims), // causal: right padding never reaches a real token
    position_ids: new ort.Tensor('int64', positions, dims),
    labels: new ort.Tensor('int64', labels, dims),
    old_logps: new ort.Tensor('float32', oldLogps, dims),
    old_values: new ort.Tensor('float32', oldValues, dims),
    advantages: new ort.Tensor('float32', advantages, dims),
    returns: new ort.Tensor('float32', returns, dims),
  };
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

async function continuePpo(runId: string, config: ResolvedPpoConfig, env: TrainEnv): Promise<PpoOutcome> {
  const { store, dataDir } = env;
  return asRun(runId, env, async (dir) => {
    const dataset = runDataset(store, runId, config);
    const folder = readHfFolder(config.modelPath);
    const tokenizer = TextTokenizer.fromFolder(config.modelPath);
    const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
    const train = readPrompts(dataDir, dataset, 'train', config.promptColumn, Number.MAX_SAFE_INTEGER, tokenizer, config.maxPromptLen);
    const held = readPrompts(dataDir, dataset, 'validation', config.promptColumn, config.evalPrompts, tokenizer, config.maxPromptLen);
    const [trainPrompts, heldout] = [train.prompts, held.prompts];
    const truncatedPrompts = train.truncated + held.truncated;
    if (truncatedPrompts) env.log('warn', `${plural(truncatedPrompts, 'prompt')} ${truncatedPrompts === 1 ? 'is' : 'are'} longer than ${config.maxPromptLen} tokens and were cut to their last ${config.maxPromptLen} (BOS included), where the cue to answer is; ${longerPromptAdvice(config.maxPromptLen, folder.spec.maxPositions - config.generation.maxNewTokens, 'maxNewTokens', 'log')}`);
    env.log('info', `${plural(trainPrompts.length, 'training prompt')}, ${plural(heldout.length, 'held-out prompt')}`);

    const lossOpts = { clipRange: config.clipRange, clipRangeValue: config.clipRangeValue, vfCoef: config.vfCoef };
    const { opened, lora, isLora, checkpoints } = await openPolicyTrainer(dir, runId, env, folder, config, {
      microBatches: 1,
      loraDropout: 0,
      build: (s, weights, method) => buildPpoTrainingGraph(s, weights, method, initialValueHead(s), lossOpts),
    });
    const { runner } = opened;
    const saved = (opened.state as PpoTrainerState).ppo ?? { iteration: 0, klCoef: config.klCoef, heldoutBefore: null, heldoutAfter: null };
    let { iteration, klCoef, heldoutBefore, heldoutAfter } = saved;
    let scoreMoments = saved.scoreMoments ?? INITIAL_MOMENTS;
    // runs started before score scaling existed have no such setting: they scored as 'none' and resume so
    const scoreShaping = { scaling: config.scoreScaling ?? 'none', clip: config.scoreClip ?? null };
    // metrics and tables of iterations after the checkpoint (an attempt stopped before its next one) are done again
    store.runs.deleteMetricsAfter(runId, iteration);
    dropRolloutTablesAfter(dir, iteration);

    const threads = runThreads(config.threads, env);
    const scorer = await RewardScorer.load(config.rewardModelPath, { threads });
    const models = await RolloutModels.open(folder, tokenizer, isLora ? lora : null, threads);
    const adaptive = config.adaptiveKl ? { target: config.klTarget, horizon: config.klHorizon } : null;
    const metric = (name: string, value: number) => env.metric(runId, iteration, name, value);
    const save = async () => {
      const state: PpoTrainerState = {
        step: runner.steps, examplesSeen: iteration * config.batchSize, epoch: Math.floor((iteration * config.batchSize) / trainPrompts.length), seed: config.seed,
        bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null, ppo: { iteration, klCoef, heldoutBefore, heldoutAfter, scoreMoments },
      };
      await writeCheckpoint(dir, { weightsFile: checkpoints.weightsFile, weights: runner.weights(), optimizer: runner.optimizerState(), state, json: checkpoints.json }, checkpoints.keep);
    };
    let savedAt = opened.resumed ? iteration : -1;
    const generate = (prompts: number[][], seed: number) => models.sample(dir, runner.weights(), prompts, config.generation, seed, config.miniBatchSize, env.signal);
    // read as the reward run read its inputs, at its own window (ppoScoredIds), so the rewards are the scores the reward run was measured by
    const score = async (prompts: readonly { text: string }[], rollouts: readonly SampledRollout[]) =>
      (await scorer.scoreIds(rollouts.map((r, i) => ppoScoredIds(prompts[i].text, r.completion, scorer.textTokenizer, config)))).map((s) => s[config.rewardLabelIndex]);
    const table = (prompts: readonly { text: string }[], rollouts: readonly SampledRollout[], scores: readonly number[]): RolloutRow[] =>
      rollouts.map((r, i) => ({ prompt: prompts[i].text, completion: r.completion, score: scores[i], kl: r.logps.reduce((s, lp, t) => s + lp - r.refLogps[t], 0), tokens: r.responseIds.length }));

    // time left is timed from the end of this process's first iteration, which pays the warm-up (the sessions' first
    // runs), as the shared training loop's is (jobs/eta.ts); held-out evaluations are part of the iterations' pace
    let warm: WarmMark | null = null;
    const secondsLeft = (): number | null => (warm ? steadyEtaSeconds(warm, performance.now(), iteration, config.steps) : null);
    /** Whether iteration `i` (> 0) evaluates on the held-out prompts after its update. */
    const evaluationDue = (i: number) => (config.evalEvery > 0 && i % config.evalEvery === 0) || i === config.steps;
    /** Held-out rollouts (the same seed every time, so evaluations differ by the policy alone), scored and recorded. */
    const evaluate = async (): Promise<{ rows: RolloutRow[]; result: HeldoutScore } | null> => {
      env.progress(iteration / config.steps, `iteration ${iteration}: scoring ${heldout.length} held-out rollouts`, secondsLeft());
      const rollouts = await generate(heldout.map((p) => p.ids), derivedSeed(config.seed, 'heldout'));
      if (env.signal.aborted) return null;
      const scores = await score(heldout, rollouts);
      const rows = table(heldout, rollouts, scores);
      const result = { step: iteration, scoreMean: mean(scores), kl: mean(rows.map((r) => r.kl)) };
      const [scoreMean, scoreStd, kl] = EVAL_METRICS;
      metric(scoreMean, result.scoreMean);
      metric(scoreStd, std(scores));
      metric(kl, result.kl);
      env.log('info', heldoutLine(iteration, result.scoreMean, result.kl));
      return { rows, result };
    };

    // the prompts of pass `epoch` over the training split, in an order fixed by the seed and the pass
    const orders = new Map<number, number[]>();
    const promptOrder = (epoch: number): number[] => {
      let order = orders.get(epoch);
      if (!order) orders.set(epoch, (order = shuffled(trainPrompts.length, derivedSeed(config.seed, 'prompts', epoch))));
      return order;
    };
    let status: LoopStatus = 'completed';
    let lastLoss: number | null = null;
    const times: { rolloutS: number; scoreS: number; updateS: number }[] = [];
    const timer = () => {
      const t0 = performance.now();
      return () => (performance.now() - t0) / 1000;
    };
    try {
      if (iteration === 0 && !heldoutBefore) {
        const before = await evaluate();
        if (before) {
          heldoutBefore = before.result;
          heldoutAfter = before.result;
          await writeRolloutTable(dir, { step: 0, klCoef, train: [], heldout: before.rows });
        }
      } else if (iteration > 0 && evaluationDue(iteration) && heldoutAfter?.step !== iteration) {
        // the checkpoint's iteration was cancelled during its held-out evaluation (see the top of the file). An earlier
        // resume may have done it and been stopped before the next checkpoint: its figures are recorded again, once.
        env.log('info', `iteration ${iteration}: doing the held-out evaluation its cancel interrupted`);
        store.runs.deleteMetricsAt(runId, iteration, EVAL_METRICS);
        const missing = await evaluate();
        if (missing) {
          heldoutAfter = missing.result;
          const tabled = readRolloutTable(dir, iteration);
          if (tabled) await writeRolloutTable(dir, { ...tabled, heldout: missing.rows });
          else env.log('warn', `iteration ${iteration} has no rollout table (written before its checkpoint; removed since?): its held-out rows are not tabled`);
        }
      }
      while (iteration < config.steps && !env.signal.aborted) {
        const next = iteration + 1;
        const picked = Array.from({ length: config.batchSize }, (_, k) => {
          const position = iteration * config.batchSize + k;
          return trainPrompts[promptOrder(Math.floor(position / trainPrompts.length))[position % trainPrompts.length]];
        });
        env.progress(iteration / config.steps, `iteration ${next}/${config.steps}: rollouts`, secondsLeft());
        const rolloutTime = timer();
        const rollouts = await generate(picked.map((p) => p.ids), derivedSeed(config.seed, 'rollouts', next));
        const rolloutS = rolloutTime();
        if (env.signal.aborted) break;
        const scoreTime = timer();
        const scores = await score(picked, rollouts);
        const scoreS = scoreTime();
        const shaped = shapeScores(scores, scoreMoments, scoreShaping);
        const arrays = computeAdvantages(rollouts.map((r, i) => ({ ...r, score: shaped.rewards[i] })), { klCoef, gamma: config.gamma, lam: config.lam });

        const updateTime = timer();
        const steps: { loss: number; gradNorm: number; metrics: Record<string, number> }[] = [];
        for (let epoch = 0; epoch < config.ppoEpochs && !env.signal.aborted; epoch++) {
          const order = shuffled(rollouts.length, derivedSeed(config.seed, 'minibatches', next, epoch));
          for (let i = 0; i < order.length && !env.signal.aborted; i += config.miniBatchSize) {
            steps.push(await runner.step(minibatchFeeds(rollouts, arrays, order.slice(i, i + config.miniBatchSize), padId), config.lr));
          }
        }
        if (env.signal.aborted) {
          env.log('warn', `cancelled during the update of iteration ${next}; it is dropped and the run continues from its last checkpoint`);
          status = 'cancelled';
          return await finish();
        }
        const updateS = updateTime();
        iteration = next;
        scoreMoments = shaped.moments;
        lastLoss = mean(steps.map((s) => s.loss));
        metric('score/mean', mean(scores));
        metric('score/std', std(scores));
        metric('kl', mean(arrays.kl));
        metric('kl_coef', klCoef);
        if (scoreShaping.scaling !== 'none') metric('score/running_std', scoreMoments.std);
        metric('loss', lastLoss);
        for (const m of PPO_METRICS) metric(m, mean(steps.map((s) => s.metrics[m])));
        metric('grad_norm', mean(steps.map((s) => s.gradNorm)));
        metric('response_length', mean(rollouts.map((r) => r.responseIds.length)));
        metric('time/rollout_s', rolloutS);
        metric('time/score_s', scoreS);
        metric('time/update_s', updateS);
        times.push({ rolloutS, scoreS, updateS });
        const usedCoef = klCoef;
        klCoef = nextKlCoef(klCoef, mean(arrays.kl), rollouts.length, adaptive);
        env.log('info', iterationLine(iteration, { score: mean(scores), kl: mean(arrays.kl), klCoef: usedCoef, loss: lastLoss }));
        const tokens = rollouts.reduce((n, r) => n + r.promptIds.length + r.responseIds.length, 0);
        const figures = { step: iteration, totalSteps: config.steps, unit: 'iteration' as const, score: mean(scores), kl: mean(arrays.kl), loss: lastLoss, tokensPerSecond: tokens / (rolloutS + scoreS + updateS) };
        env.progress(iteration / config.steps, `iteration ${iteration}/${config.steps}: score ${figure(figures.score)}, KL ${figure(figures.kl)}, loss ${figure(lastLoss)}`, secondsLeft(), figures);
        const evaluated = evaluationDue(iteration) ? await evaluate() : null;
        if (evaluated) heldoutAfter = evaluated.result;
        await writeRolloutTable(dir, { step: iteration, klCoef: usedCoef, train: table(picked, rollouts, scores), heldout: evaluated?.rows ?? null });
        if ((config.saveEvery > 0 && iteration % config.saveEvery === 0) || iteration === config.steps) {
          await save();
          savedAt = iteration;
        }
        warm ??= { done: iteration, at: performance.now() };
      }
      if (env.signal.aborted) {
        status = 'cancelled';
        // stopped between iterations (or while sampling, before any update): the weights are the last iteration's
        if (savedAt !== iteration && iteration > 0) await save();
      }
      return await finish();
    } finally {
      await models.release();
      await scorer.release();
      fs.rmSync(path.join(dir, POLICY_DIR), { recursive: true, force: true }); // rewritten before each rollout; a full run's is a whole model
    }

    async function finish(): Promise<PpoOutcome> {
      const trained = status === 'cancelled' ? null : runner.weights();
      await runner.release();
      const outputs = trained
        ? await writePolicyOutputs(env, runId, dir, { kind: 'ppo', ...config }, trained, folder, lora, [VALUE_HEAD_WEIGHT, VALUE_HEAD_BIAS])
        : { adapterPath: null, outputModel: null };
      const timing = times.length ? { rolloutS: mean(times.map((t) => t.rolloutS)), scoreS: mean(times.map((t) => t.scoreS)), updateS: mean(times.map((t) => t.updateS)) } : null;
      return { runId, status, steps: iteration, optimizerSteps: runner.steps, lastLoss, heldoutBefore, heldoutAfter, timing, truncatedPrompts, modelContext: folder.spec.maxPositions, ...outputs };
    }
  });
}
