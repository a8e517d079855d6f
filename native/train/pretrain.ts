// Pretraining from scratch on a plain-text corpus: a byte-level BPE tokenizer trained on the corpus, a GPT-2 or
// Llama shaped config with its parameter count and memory reported before anything runs, seeded initialisation,
// and the shared training loop over random windows of the token stream. Reports validation loss in nats per
// token and per character beside a unigram baseline (the corpus's token frequencies, add-one smoothed).
// `resumePretrain` continues a run from its last checkpoint (the fine-tuning format) exactly where the
// uninterrupted run would be: batches depend on (seed, step) only, and the tokenizer is kept in the run folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { figure, plural } from '../api/format.ts';
import { pretrainedModelName } from '../api/model-names.ts';
import { StudioError } from '../api/errors.ts';
import { defaultRunName, PretrainInput, type PretrainConfig } from '../api/train.ts';
import { writeJsonAtomic } from '../models/atomic.ts';
import { writeHfFolder } from '../models/checkpoint.ts';
import type { ModelSpec } from '../models/config.ts';
import { initTensors, type InitSpec } from '../models/init.ts';
import { expectedTensors } from '../models/params.ts';
import { trainByteLevelBpe } from '../text/bpe-trainer.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { TextGenerator } from '../generate/pipeline.ts';
import { StreamBatches } from './batches.ts';
import { validationLoss, type LoopStatus } from './loop.ts';
import { recordArtifact, registerRunModel, runThreads, runToResume, type TrainEnv } from './run-env.ts';
import { pretrainModelConfig, pretrainPlan, pretrainPlanLine } from './pretrain-shape.ts';
import { asRun, openTrainer, trainWithCheckpoints } from './run-stages.ts';
import { planPretrain, readCorpus } from './validate.ts';

export { pretrainModelConfig, pretrainPlan } from './pretrain-shape.ts';

/** GPT-2's initialisation: N(0, 0.02), residual output projections N(0, 0.02/√(2L)), norms 1, biases 0. */
function initRules(spec: ModelSpec): InitSpec[] {
  const residual = 0.02 / Math.sqrt(2 * spec.numLayers);
  return expectedTensors(spec).map((t) => {
    const rule: InitSpec['rule'] =
      t.component === 'norms' ? { kind: 'constant', value: t.name.endsWith('.bias') ? 0 : 1 }
      : t.name.endsWith('.bias') ? { kind: 'constant', value: 0 }
      : /(attn\.c_proj|mlp\.c_proj|o_proj|down_proj)\.weight$/.test(t.name) ? { kind: 'normal', std: residual }
      : { kind: 'normal', std: 0.02 };
    return { name: t.name, shape: t.shape, rule };
  });
}

/** Cross-entropy (nats/token) of the validation tokens under add-one-smoothed train unigram frequencies. */
export function unigramBaseline(train: Int32Array, val: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab).fill(1);
  for (const t of train) counts[t]++;
  const total = train.length + vocab;
  let nats = 0;
  for (const t of val) nats -= Math.log(counts[t] / total);
  return nats / val.length;
}

export interface PretrainOutcome {
  runId: string;
  status: LoopStatus;
  steps: number;
  parameters: number;
  valLoss: number;
  valLossPerChar: number;
  unigramLoss: number;
  unigramLossPerChar: number;
  outputModel: string | null;
  sample: string;
}

/** The settings a run was started with (stored in runs.config): the input plus what resuming must check. */
type PretrainRunConfig = PretrainConfig & { parameters: number; corpusSha256: string };

const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');
const TOKENIZER_FILE = 'tokenizer.json';

export async function runPretrain(input: unknown, env: TrainEnv): Promise<PretrainOutcome> {
  const { config: c, text, plan } = planPretrain(input); // before the run exists: bad input leaves none behind
  if (c.outputName) env.store.models.requireFreeName(c.outputName, 'outputName'); // refused now, not after training
  if (c.projectId !== null && !env.store.projects.get(c.projectId)) throw new StudioError('not_found', `project ${c.projectId} does not exist`, { field: 'projectId' }); // not the run insert's key error
  env.log('info', pretrainPlanLine(c, plan));
  const config: PretrainRunConfig = { ...c, parameters: plan.parameters, corpusSha256: sha256(text) };
  const run = env.store.runs.create({ kind: 'pretrain', name: c.name ?? defaultRunName.pretrain(path.basename(c.corpus)), projectId: c.projectId, config, owner: env.owner });
  return continuePretrain(run.id, config, text, env);
}

/** Continue a pretraining run from its last checkpoint (from the start if it has none), on the same corpus. */
export async function resumePretrain(runId: string, env: TrainEnv): Promise<PretrainOutcome> {
  const run = runToResume(env.store, runId, 'pretrain', 'lathe pretrain --resume');
  const stored = run.config as Partial<PretrainRunConfig>;
  const c = PretrainInput.parse(stored);
  const text = readCorpus(c.corpus);
  if (stored.corpusSha256 && stored.corpusSha256 !== sha256(text)) throw new Error(`corpus file ${c.corpus} changed since run ${runId} started; resuming needs the same text (start a new run for the new one)`);
  return continuePretrain(runId, { ...c, parameters: pretrainPlan(pretrainModelConfig(c)).parameters, corpusSha256: sha256(text) }, text, env);
}

async function continuePretrain(runId: string, c: PretrainRunConfig, text: string, env: TrainEnv): Promise<PretrainOutcome> {
  const modelConfig = pretrainModelConfig(c);
  const plan = pretrainPlan(modelConfig);
  return asRun(runId, env, async (dir) => {
    // the tokenizer is kept beside the checkpoints, so a resumed run encodes the corpus exactly as before
    const tokenizerFile = path.join(dir, TOKENIZER_FILE);
    const tokenizerJson = fs.existsSync(tokenizerFile) ? (JSON.parse(fs.readFileSync(tokenizerFile, 'utf8')) as Record<string, unknown>) : trainByteLevelBpe(text, { vocabSize: c.vocab }).tokenizerJson;
    if (!fs.existsSync(tokenizerFile)) await writeJsonAtomic(tokenizerFile, tokenizerJson);
    const tokenizerConfig = { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', model_max_length: c.context };
    const tokenizer = TextTokenizer.fromJson(tokenizerJson, tokenizerConfig);
    const cut = Math.floor(text.length * (1 - c.validationFraction));
    const trainTokens = Int32Array.from(tokenizer.encode(text.slice(0, cut), { addSpecialTokens: false }));
    const valTokens = Int32Array.from(tokenizer.encode(text.slice(cut), { addSpecialTokens: false }));
    const charsPerToken = (text.length - cut) / valTokens.length;
    const unigram = unigramBaseline(trainTokens, valTokens, c.vocab);
    env.log('info', `tokenizer: ${plural(c.vocab, 'token')}, ${figure(text.length / (trainTokens.length + valTokens.length))} chars/token; unigram baseline ${figure(unigram)} nats/token`);
    const initDir = path.join(dir, 'init');
    fs.rmSync(initDir, { recursive: true, force: true }); // left by a run that crashed before it finished
    const opened = await openTrainer(dir, runId, env, {
      spec: plan.spec,
      full: true,
      weightsFile: 'model.safetensors',
      // only a run without checkpoints initialises weights (a resumed one reads its checkpoint's)
      modelDir: async () => {
        await writeHfFolder(initDir, { config: modelConfig, tensors: await initTensors(initRules(plan.spec), c.seed), tokenizer: tokenizerJson, tokenizerConfig });
        return initDir;
      },
      method: async () => ({ kind: 'full' }),
      options: { optimizer: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: c.weightDecay }, clipNorm: c.clipNorm, microBatches: c.gradAccum, threads: runThreads(c.threads, env) },
    }, c.seed);
    fs.rmSync(initDir, { recursive: true, force: true }); // the trainer holds the weights now
    const { runner } = opened;
    const seqLen = Math.min(c.seqLen ?? c.context, c.context);
    const data = new StreamBatches(trainTokens, valTokens, seqLen, c.batchSize, c.gradAccum, c.seed);
    const totalSteps = c.maxSteps ?? c.steps;
    const result = await trainWithCheckpoints(opened, data, {
      totalSteps, lr: c.lr ?? 1e-3, warmupSteps: c.warmupSteps ?? Math.round(totalSteps * 0.05), schedule: c.schedule,
      evalEvery: c.evalEvery, evalBatches: c.evalBatches, saveEvery: c.saveEvery, patience: c.earlyStoppingPatience, dropout: null, examplesPerStep: c.batchSize * c.gradAccum,
    }, env, runId, dir, { weightsFile: 'model.safetensors', json: { 'config.json': modelConfig }, keep: c.keepCheckpoints });
    const valLoss = await validationLoss(runner, data, 0, null);
    env.metric(runId, result.state.step, 'val_loss_full', valLoss);
    env.metric(runId, result.state.step, 'unigram_loss', unigram);
    const out = path.join(dir, 'model');
    if (fs.existsSync(out)) fs.rmSync(out, { recursive: true });
    await writeHfFolder(out, { config: modelConfig, tensors: runner.weights(), tokenizer: tokenizerJson, tokenizerConfig, generationConfig: { bos_token_id: 0, eos_token_id: 0 } });
    await runner.release();
    // a finished run's folder moves into models/ (a cancelled one stays in the run folder for its sample)
    const registered = result.status === 'cancelled' ? null : await registerRunModel(env, out, c.outputName ?? env.store.models.freeName(pretrainedModelName(c.family)), `pretrain:${runId}`);
    if (registered) fs.rmSync(out, { recursive: true, force: true });
    const outputModel = registered?.name ?? null;
    // The run's page lists what it wrote, as a fine-tuning run's does: the weights, wherever they now live.
    recordArtifact(env.store, runId, 'model', path.join(registered?.path ?? out, 'model.safetensors'));
    const gen = await TextGenerator.load(registered?.path ?? out, { intraOpNumThreads: runThreads(c.threads, env) });
    // the prompt takes at most half the context, so tiny contexts still leave room (learned positions end there)
    let prompt = text.slice(cut, cut + 40);
    while (prompt.length > 1 && tokenizer.encode(prompt).length > Math.floor(c.context / 2)) prompt = prompt.slice(0, -1);
    const room = c.context - tokenizer.encode(prompt).length - 1;
    const sample = prompt + (await gen.generate([prompt], { maxNewTokens: Math.max(1, Math.min(120, room)), temperature: 0.8, seed: c.seed })).rows[0].text;
    await gen.release();
    return { runId, status: result.status, steps: result.state.step, parameters: plan.parameters, valLoss, valLossPerChar: valLoss / charsPerToken, unigramLoss: unigram, unigramLossPerChar: unigram / charsPerToken, outputModel, sample };
  });
}
