// Pretraining from scratch on a plain-text corpus: a byte-level BPE tokenizer trained on the corpus, a GPT-2 or
// Llama shaped config with its parameter count and memory reported before anything runs, seeded initialisation,
// and the shared training loop over random windows of the token stream. Reports validation loss in nats per
// token and per character beside a unigram baseline (the corpus's token frequencies, add-one smoothed).
import fs from 'node:fs';
import path from 'node:path';
import { PretrainInput, type PretrainConfig } from '../api/train.ts';
import { CheckpointWeights, writeHfFolder } from '../models/checkpoint.ts';
import { parseModelConfig, type ModelSpec } from '../models/config.ts';
import { initTensors, type InitSpec } from '../models/init.ts';
import { expectedTensors, parameterCounts } from '../models/params.ts';
import { importHfFolder } from '../models/registry.ts';
import { buildTrainingGraph } from '../models/training-graph.ts';
import { trainByteLevelBpe } from '../text/bpe-trainer.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { TextGenerator } from '../generate/pipeline.ts';
import { StreamBatches } from './batches.ts';
import { writeCheckpoint } from './checkpoints.ts';
import { trainLoop, validationLoss, type LoopStatus } from './loop.ts';
import { runDir, type TrainEnv } from './run-env.ts';
import { StepRunner } from './session.ts';

/** config.json of a fresh model of the requested shape. */
export function pretrainModelConfig(c: Pick<PretrainConfig, 'family' | 'layers' | 'heads' | 'dModel' | 'context' | 'vocab'>): Record<string, unknown> {
  if (c.dModel % c.heads !== 0) throw new Error(`--d-model ${c.dModel} must be divisible by --heads ${c.heads}`);
  if (c.family === 'gpt2') {
    return { architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: c.vocab, n_embd: c.dModel, n_layer: c.layers, n_head: c.heads, n_positions: c.context, activation_function: 'gelu_new', layer_norm_epsilon: 1e-5, tie_word_embeddings: true, bos_token_id: 0, eos_token_id: 0 };
  }
  const hidden = Math.ceil((8 * c.dModel) / 3 / 8) * 8;
  return { architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: c.vocab, hidden_size: c.dModel, intermediate_size: hidden, num_hidden_layers: c.layers, num_attention_heads: c.heads, num_key_value_heads: c.heads, max_position_embeddings: c.context, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true, bos_token_id: 0, eos_token_id: 0, hidden_act: 'silu' };
}

/** Parameter count and the fp32 bytes training needs (weights, gradients, two AdamW moments), before running. */
export function pretrainPlan(config: Record<string, unknown>): { spec: ModelSpec; parameters: number; trainingBytes: number } {
  const spec = parseModelConfig(config);
  const parameters = parameterCounts(spec).total;
  return { spec, parameters, trainingBytes: 16 * parameters };
}

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

export async function runPretrain(input: unknown, env: TrainEnv): Promise<PretrainOutcome> {
  const c = PretrainInput.parse(input);
  if (!fs.existsSync(c.corpus)) throw new Error(`corpus file ${c.corpus} does not exist`);
  const text = fs.readFileSync(c.corpus, 'utf8');
  const modelConfig = pretrainModelConfig(c);
  const plan = pretrainPlan(modelConfig);
  env.log('info', `${c.family}: ${c.layers} layers, ${c.heads} heads, d=${c.dModel}, context ${c.context}, vocab ${c.vocab}: ${plan.parameters.toLocaleString('en')} parameters, about ${(plan.trainingBytes / 2 ** 20).toFixed(1)} MiB for weights, gradients and AdamW state`);
  const run = env.store.runs.create({ kind: 'pretrain', name: c.name ?? `pretrain ${path.basename(c.corpus)}`, projectId: c.projectId, config: { ...c, parameters: plan.parameters } });
  env.onRun(run.id);
  env.store.runs.setStatus(run.id, 'running');
  const dir = runDir(env.dataDir, run.id);
  try {
    const { tokenizerJson } = trainByteLevelBpe(text, { vocabSize: c.vocab });
    const tokenizerConfig = { bos_token: '<|endoftext|>', eos_token: '<|endoftext|>', model_max_length: c.context };
    const tokenizer = TextTokenizer.fromJson(tokenizerJson, tokenizerConfig);
    const cut = Math.floor(text.length * (1 - c.validationFraction));
    const trainTokens = Int32Array.from(tokenizer.encode(text.slice(0, cut), { addSpecialTokens: false }));
    const valTokens = Int32Array.from(tokenizer.encode(text.slice(cut), { addSpecialTokens: false }));
    const charsPerToken = (text.length - cut) / valTokens.length;
    const unigram = unigramBaseline(trainTokens, valTokens, c.vocab);
    env.log('info', `tokenizer: ${c.vocab} tokens, ${(text.length / (trainTokens.length + valTokens.length)).toFixed(2)} chars/token; unigram baseline ${unigram.toFixed(4)} nats/token`);
    const initDir = path.join(dir, 'init');
    const tensors = await initTensors(initRules(plan.spec), c.seed);
    await writeHfFolder(initDir, { config: modelConfig, tensors, tokenizer: tokenizerJson, tokenizerConfig });
    const weights = CheckpointWeights.open(initDir);
    let runner: StepRunner;
    try {
      runner = await StepRunner.create(buildTrainingGraph(plan.spec, weights, { kind: 'full' }), { optimizer: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: c.weightDecay }, clipNorm: c.clipNorm, microBatches: c.gradAccum, threads: c.threads ?? env.threads });
    } finally {
      weights.close();
    }
    const seqLen = Math.min(c.seqLen ?? c.context, c.context);
    const data = new StreamBatches(trainTokens, valTokens, seqLen, c.batchSize, c.gradAccum, c.seed);
    const totalSteps = c.maxSteps ?? c.steps;
    const result = await trainLoop(runner, data, {
      totalSteps, lr: c.lr ?? 1e-3, warmupSteps: c.warmupSteps ?? Math.round(totalSteps * 0.05), schedule: c.schedule,
      evalEvery: c.evalEvery, evalBatches: c.evalBatches, saveEvery: c.saveEvery, patience: c.earlyStoppingPatience, dropout: null, examplesPerStep: c.batchSize * c.gradAccum,
    }, {
      signal: env.signal,
      metric: (step, name, value) => env.metric(run.id, step, name, value),
      progress: env.progress,
      log: env.log,
      save: async (s) => { await writeCheckpoint(dir, { weightsFile: 'model.safetensors', weights: runner.weights(), optimizer: runner.optimizerState(), state: s, json: { 'config.json': modelConfig } }, c.keepCheckpoints); },
    }, { step: 0, examplesSeen: 0, epoch: 0, seed: c.seed, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null });
    const valLoss = await validationLoss(runner, data, 0, null);
    env.metric(run.id, result.state.step, 'val_loss_full', valLoss);
    env.metric(run.id, result.state.step, 'unigram_loss', unigram);
    const out = path.join(dir, 'model');
    await writeHfFolder(out, { config: modelConfig, tensors: runner.weights(), tokenizer: tokenizerJson, tokenizerConfig, generationConfig: { bos_token_id: 0, eos_token_id: 0 } });
    await runner.release();
    fs.rmSync(initDir, { recursive: true, force: true });
    const outputModel = result.status === 'cancelled' ? null : (await importHfFolder(env.dataDir, out, c.outputName ?? `pretrain-${run.id.replace(/^run_/, '')}`)).name;
    const gen = await TextGenerator.load(out, { intraOpNumThreads: c.threads ?? env.threads });
    const prompt = text.slice(cut, cut + 40);
    const room = c.context - tokenizer.encode(prompt).length - 1; // learned positions end at the context length
    const sample = prompt + (await gen.generate([prompt], { maxNewTokens: Math.max(1, Math.min(120, room)), temperature: 0.8, seed: c.seed })).rows[0].text;
    await gen.release();
    env.store.runs.setStatus(run.id, result.status === 'cancelled' ? 'cancelled' : 'succeeded');
    return { runId: run.id, status: result.status, steps: result.state.step, parameters: plan.parameters, valLoss, valLossPerChar: valLoss / charsPerToken, unigramLoss: unigram, unigramLossPerChar: unigram / charsPerToken, outputModel, sample };
  } catch (err) {
    env.store.runs.setStatus(run.id, env.signal.aborted ? 'cancelled' : 'failed');
    throw err;
  }
}
