// Direct preference optimisation (and its robust and IPO variants), full or LoRA, from a model in the store and a
// preference dataset: a run of kind 'dpo' under <dataDir>/runs/<id>/ that goes through the stages every training
// run does (run-stages.ts: owned, checkpointed, resumed exactly, cancelled within a step), then a PEFT adapter (and
// optionally the merged model) or a full model, registered like a fine-tuned one. The reference is the model the
// run starts from; its log-probs are computed once and kept in the run folder (reference-logps.ts).
import { defaultRunName } from '../api/train.ts';
import { formatValue, plural } from '../api/format.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { buildPreferenceTrainingGraph } from '../models/preference-graph.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { atMostEvery } from './at-most-every.ts';
import { listCheckpoints } from './checkpoints.ts';
import { planDpo, type ResolvedDpoConfig } from './dpo-plan.ts';
import { evaluateBatches, type LoopStatus } from './loop.ts';
import { PreferenceBatches } from './preference-batches.ts';
import { bosCounted, loadPreferenceData, pairPromptRule, pairTurns, readPreferencePairs } from './preference-examples.ts';
import { computeReferenceLogps, scoredPairs } from './reference-logps.ts';
import { writePolicyOutputs } from './policy-outputs.ts';
import { runDataset, runThreads, runToResume, type TrainEnv } from './run-env.ts';
import { asRun, epochLoop, openPolicyTrainer, trainWithCheckpoints } from './run-stages.ts';
import { modelCompletionEndId } from './sft-examples.ts';
import { longerPromptAdvice, longerSeqLenAdvice } from './validate.ts';

export interface DpoOutcome {
  runId: string;
  status: LoopStatus;
  steps: number;
  lastLoss: number | null;
  trainPairs: number;
  validationPairs: number;
  truncatedPairs: number;
  /** Pairs whose prompt was over maxPromptLen tokens, cut to its end (BOS kept). */
  truncatedPrompts: number;
  skippedRows: { where: string; reason: string }[];
  /** The model's context (its positions): the longest sequence length there is, which the run view's cut warnings weigh. */
  modelContext: number;
  /** TRL's metrics over every training pair (and the validation pairs) under the trained policy; null when cancelled. */
  trainMetrics: Record<string, number> | null;
  validationMetrics: Record<string, number> | null;
  adapterPath: string | null;
  outputModel: string | null;
}

export async function startDpo(input: unknown, env: TrainEnv): Promise<DpoOutcome> {
  const { config, model, dataset } = planDpo(input, env.store); // before the run exists: bad input leaves none behind
  readPreferencePairs(env.dataDir, dataset, { skipInvalid: config.skipInvalid, skipAdvice: env.skipAdvice }); // and so does a row that makes no pair
  const run = env.store.runs.create({ kind: 'dpo', name: config.name ?? defaultRunName.dpo(config, model.name, dataset.name), projectId: config.projectId, config, owner: env.owner });
  return continueDpo(run.id, config, env);
}

export async function resumeDpo(runId: string, env: TrainEnv): Promise<DpoOutcome> {
  const run = runToResume(env.store, runId, 'dpo', 'lathe align dpo --resume');
  return continueDpo(runId, run.config as ResolvedDpoConfig, env);
}

async function continueDpo(runId: string, config: ResolvedDpoConfig, env: TrainEnv): Promise<DpoOutcome> {
  const { store, dataDir } = env;
  return asRun(runId, env, async (dir) => {
    const dataset = runDataset(store, runId, config);
    const folder = readHfFolder(config.modelPath);
    const spec = folder.spec;
    const tokenizer = TextTokenizer.fromFolder(config.modelPath);
    const endId = modelCompletionEndId(folder, tokenizer);
    const rule = pairPromptRule(config); // a run from before maxPromptLen counted the BOS resumes by its own rule
    const data = await loadPreferenceData(dataDir, dataset, tokenizer, { ...rule, endId, skipInvalid: config.skipInvalid, skipAdvice: env.skipAdvice }, pairTurns(env));
    if (!data) {
      // cancelled while tokenizing: no trainer was opened and no checkpoint written (a resume starts from the model, or its last checkpoint)
      return {
        runId, status: 'cancelled', steps: listCheckpoints(dir).at(-1)?.step ?? 0, lastLoss: null, trainPairs: 0, validationPairs: 0,
        truncatedPairs: 0, truncatedPrompts: 0, skippedRows: [], modelContext: spec.maxPositions,
        trainMetrics: null, validationMetrics: null, adapterPath: null, outputModel: null,
      };
    }
    for (const s of data.skipped.slice(0, 20)) env.log('warn', `left out ${s.where}: ${s.reason}`);
    if (data.skipped.length) env.log('warn', `${plural(data.skipped.length, 'row')} make${data.skipped.length === 1 ? 's' : ''} no preference pair and ${data.skipped.length === 1 ? 'was' : 'were'} left out`);
    if (data.truncatedPrompts) env.log('warn', `${formatValue(data.truncatedPrompts)} pairs have a prompt longer than ${config.maxPromptLen} tokens, cut to its last ${config.maxPromptLen} (${bosCounted(rule)}), where the question is; ${longerPromptAdvice(config.maxPromptLen, config.seqLen - 1, { seqLen: config.seqLen, context: spec.maxPositions }, 'log')}`);
    if (data.truncated) env.log('warn', `${plural(data.truncated, 'pair')} ${data.truncated === 1 ? 'is' : 'are'} longer than ${config.seqLen} tokens and ${data.truncated === 1 ? 'was' : 'were'} cut (a response that does not fit after its prompt loses its end); ${longerSeqLenAdvice(config.seqLen, spec.maxPositions, 'log')}`);
    env.log('info', `${formatValue(data.train.length)} training and ${formatValue(data.val.length)} validation pairs`);
    const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
    const reference = (examples: typeof data.train) => () => {
      env.progress(0, `reference log-probabilities of ${plural(examples.length, 'pair')}`, null);
      const onProgress = (done: number, total: number) => env.progress(0, `reference log-probabilities: ${formatValue(done)} of ${formatValue(total)} pairs`, null);
      return computeReferenceLogps(config.modelPath, spec, examples, { batchSize: config.batchSize, padId, threads: runThreads(config.threads, env), onProgress, signal: env.signal });
    };
    const train = await scoredPairs(dir, 'train', data.train, reference(data.train));
    const val = train && (await scoredPairs(dir, 'validation', data.val, reference(data.val)));
    if (!train || !val) {
      // stopped during the reference pass (a Ctrl-C waited for the whole pass, then a validation): nothing trained yet
      return {
        runId, status: 'cancelled', steps: 0, lastLoss: null, trainPairs: data.train.length, validationPairs: data.val.length,
        truncatedPairs: data.truncated, truncatedPrompts: data.truncatedPrompts, skippedRows: data.skipped, modelContext: spec.maxPositions,
        trainMetrics: null, validationMetrics: null, adapterPath: null, outputModel: null,
      };
    }

    const loss = { kind: config.loss, beta: config.beta, labelSmoothing: config.labelSmoothing };
    const { opened, lora, checkpoints } = await openPolicyTrainer(dir, runId, env, folder, config, {
      microBatches: config.gradAccum,
      build: (s, weights, method) => buildPreferenceTrainingGraph(s, weights, method, loss),
    });
    const { runner } = opened;
    const dropout = opened.dropoutSeed ? lora.dropout : null;
    const batches = new PreferenceBatches(train, val, config.batchSize, config.gradAccum, config.seed, padId);
    const result = await trainWithCheckpoints(opened, batches, epochLoop(config, batches.stepsPerEpoch, 0.1, dropout), env, runId, dir, checkpoints);
    let trainMetrics: Record<string, number> | null = null;
    let validationMetrics: Record<string, number> | null = null;
    if (result.status !== 'cancelled') {
      const measuring = (pairs: number, split: string) => atMostEvery(1000, (n: number, of: number) => env.progress(1, `measuring the trained policy on ${formatValue(pairs)} ${split} pairs: batch ${formatValue(n)} of ${formatValue(of)}`, null));
      env.progress(1, `measuring the trained policy on ${formatValue(train.length)} training pairs`, null);
      const onTrain = await evaluateBatches(runner, batches.allTraining(), dropout, 'the training split', measuring(train.length, 'training'));
      const onVal = await evaluateBatches(runner, batches.validation(0), dropout, 'the validation split', measuring(val.length, 'validation'));
      trainMetrics = { loss: onTrain.loss, ...onTrain.metrics };
      validationMetrics = { loss: onVal.loss, ...onVal.metrics };
      for (const [name, value] of Object.entries(trainMetrics)) env.metric(runId, result.state.step, `train_${name}`, value);
      // no log line of them: the outcome carries them, and its summary (lathe align dpo) and run view say them once
    }
    const trained = result.status === 'cancelled' ? null : runner.weights();
    await runner.release();
    const outputs = trained ? await writePolicyOutputs(env, runId, dir, { kind: 'dpo', ...config }, trained, folder, lora) : { adapterPath: null, outputModel: null };
    return {
      runId,
      status: result.status,
      steps: result.state.step,
      lastLoss: result.lastLoss,
      trainPairs: train.length,
      validationPairs: val.length,
      truncatedPairs: data.truncated,
      truncatedPrompts: data.truncatedPrompts,
      skippedRows: data.skipped,
      modelContext: spec.maxPositions,
      trainMetrics,
      validationMetrics,
      ...outputs,
    };
  });
}
