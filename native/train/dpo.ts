// Direct preference optimisation (and its robust and IPO variants), full or LoRA, from a model in the store and a
// preference dataset: a run of kind 'dpo' under <dataDir>/runs/<id>/ that goes through the stages every training
// run does (run-stages.ts: owned, checkpointed, resumed exactly, cancelled within a step), then a PEFT adapter (and
// optionally the merged model) or a full model, registered like a fine-tuned one. The reference is the model the
// run starts from; its log-probs are computed once and kept in the run folder (reference-logps.ts).
import { readHfFolder } from '../models/checkpoint.ts';
import { initLoraWeights, type LoraConfig } from '../models/lora.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, adapterConfigJson } from '../models/peft.ts';
import { buildPreferenceTrainingGraph } from '../models/preference-graph.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { planDpo, type ResolvedDpoConfig } from './dpo-plan.ts';
import { evaluateBatches, type LoopStatus } from './loop.ts';
import { PreferenceBatches } from './preference-batches.ts';
import { loadPreferenceData, readPreferencePairs } from './preference-examples.ts';
import { computeReferenceLogps, scoredPairs } from './reference-logps.ts';
import { writePolicyOutputs } from './policy-outputs.ts';
import { runToResume, type TrainEnv } from './run-env.ts';
import { asRun, openTrainer, trainWithCheckpoints } from './run-stages.ts';
import { completionEndId } from './sft-examples.ts';

export interface DpoOutcome {
  runId: string;
  status: LoopStatus;
  steps: number;
  lastLoss: number | null;
  trainPairs: number;
  validationPairs: number;
  truncatedPairs: number;
  skippedRows: { where: string; reason: string }[];
  /** TRL's metrics over every training pair (and the validation pairs) under the trained policy; null when cancelled. */
  trainMetrics: Record<string, number> | null;
  validationMetrics: Record<string, number> | null;
  adapterPath: string | null;
  outputModel: string | null;
}

export async function startDpo(input: unknown, env: TrainEnv): Promise<DpoOutcome> {
  const { config, model, dataset } = planDpo(input, env.store); // before the run exists: bad input leaves none behind
  readPreferencePairs(env.dataDir, dataset, config.skipInvalid); // and so does a row that makes no pair
  const run = env.store.runs.create({ kind: 'dpo', name: config.name ?? `DPO (${config.loss}, ${config.method}) ${model.name} on ${dataset.name}`, projectId: config.projectId, config, owner: env.owner });
  return continueDpo(run.id, config, env);
}

export async function resumeDpo(runId: string, env: TrainEnv): Promise<DpoOutcome> {
  const run = runToResume(env.store, runId, 'dpo', 'lathe align dpo --resume');
  return continueDpo(runId, run.config as ResolvedDpoConfig, env);
}

async function continueDpo(runId: string, config: ResolvedDpoConfig, env: TrainEnv): Promise<DpoOutcome> {
  const { store, dataDir } = env;
  return asRun(runId, env, async (dir) => {
    const dataset = store.datasets.find(config.datasetId);
    if (dataset.contentHash !== config.datasetHash) throw new Error(`dataset ${dataset.name} is not the data run ${runId} started with (its content hash changed); start a new run`);
    const folder = readHfFolder(config.modelPath);
    const spec = folder.spec;
    const tokenizer = TextTokenizer.fromFolder(config.modelPath);
    const stops = [folder.generationConfig?.eos_token_id].flat().filter((x): x is number => typeof x === 'number');
    const endId = completionEndId(tokenizer, stops.length ? stops : spec.eosTokenIds);
    const data = loadPreferenceData(dataDir, dataset, tokenizer, { seqLen: config.seqLen, maxPromptLen: config.maxPromptLen, endId, skipInvalid: config.skipInvalid });
    for (const s of data.skipped.slice(0, 20)) env.log('warn', `left out ${s.where}: ${s.reason}`);
    if (data.skipped.length) env.log('warn', `${data.skipped.length} rows make no preference pair and were left out (skip-invalid)`);
    if (data.truncated) env.log('warn', `${data.truncated} pairs are longer than ${config.seqLen} tokens and were cut`);
    env.log('info', `${data.train.length} training and ${data.val.length} validation pairs`);
    const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
    const reference = (examples: typeof data.train) => () => {
      env.progress(0, `reference log-probabilities of ${examples.length} pairs`, null);
      return computeReferenceLogps(config.modelPath, spec, examples, { batchSize: config.batchSize, padId, threads: config.threads ?? env.threads });
    };
    const train = await scoredPairs(dir, 'train', data.train, reference(data.train));
    const val = await scoredPairs(dir, 'validation', data.val, reference(data.val));

    const lora: LoraConfig = { r: config.lora.r, alpha: config.lora.alpha, dropout: config.lora.dropout, targetModules: config.loraTargets };
    const isLora = config.method === 'lora';
    const weightsFile = isLora ? ADAPTER_WEIGHTS : 'model.safetensors';
    const loss = { kind: config.loss, beta: config.beta, labelSmoothing: config.labelSmoothing };
    const opened = await openTrainer(dir, runId, env, {
      spec,
      full: !isLora,
      weightsFile,
      modelDir: async () => config.modelPath,
      method: async (restored) => (isLora ? { kind: 'lora', config: lora, weights: restored ?? (await initLoraWeights(spec, lora, config.seed)) } : { kind: 'full' }),
      build: (s, weights, method) => buildPreferenceTrainingGraph(s, weights, method, loss),
      options: { optimizer: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: config.weightDecay }, clipNorm: config.clipNorm, microBatches: config.gradAccum, threads: config.threads ?? env.threads },
    }, config.seed);
    const { runner } = opened;
    const dropout = opened.dropoutSeed ? lora.dropout : null;
    const batches = new PreferenceBatches(train, val, config.batchSize, config.gradAccum, config.seed, padId);
    const totalSteps = config.maxSteps ?? Math.max(1, Math.ceil(config.epochs * batches.stepsPerEpoch));
    const json = isLora ? { [ADAPTER_CONFIG]: adapterConfigJson(spec, lora, config.modelPath) } : { 'config.json': folder.config };
    const result = await trainWithCheckpoints(opened, batches, {
      totalSteps,
      lr: config.lr,
      warmupSteps: config.warmupSteps ?? Math.round(totalSteps * 0.1),
      schedule: config.schedule,
      evalEvery: config.evalEvery,
      evalBatches: config.evalBatches,
      saveEvery: config.saveEvery,
      patience: config.earlyStoppingPatience,
      dropout,
      examplesPerStep: config.batchSize * config.gradAccum,
    }, env, runId, dir, { weightsFile, json, keep: config.keepCheckpoints });
    let trainMetrics: Record<string, number> | null = null;
    let validationMetrics: Record<string, number> | null = null;
    if (result.status !== 'cancelled') {
      env.progress(1, `measuring the trained policy on ${train.length} training pairs`, null);
      const onTrain = await evaluateBatches(runner, batches.allTraining(), dropout, 'the training split');
      const onVal = await evaluateBatches(runner, batches.validation(0), dropout, 'the validation split');
      trainMetrics = { loss: onTrain.loss, ...onTrain.metrics };
      validationMetrics = { loss: onVal.loss, ...onVal.metrics };
      for (const [name, value] of Object.entries(trainMetrics)) env.metric(runId, result.state.step, `train_${name}`, value);
      env.log('info', `trained policy: rewards/accuracies ${trainMetrics['rewards/accuracies'].toFixed(3)} on the training pairs, ${validationMetrics['rewards/accuracies'].toFixed(3)} on the validation pairs`);
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
      skippedRows: data.skipped,
      trainMetrics,
      validationMetrics,
      ...outputs,
    };
  });
}
