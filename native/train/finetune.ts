// Supervised fine-tuning, full or LoRA, from a model in the store and a dataset's column mapping: a run under
// <dataDir>/runs/<id>/ with checkpoints, then a PEFT adapter (and optionally the merged model) or a full model,
// registered so `lathe generate`, the playground and evaluation can use it. `resumeFinetune` continues a run
// from its last checkpoint exactly where the uninterrupted run would have been.
import fs from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../api/schemas.ts';
import { defaultFinetuneRunName } from '../api/train.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { ExampleBatches } from './batches.ts';
import { listCheckpoints } from './checkpoints.ts';
import type { LoopStatus } from './loop.ts';
import { writePolicyOutputs } from './policy-outputs.ts';
import { SAMPLES_FILE, greedy, runThreads, runToResume, type Continuation, type Sample, type TrainEnv } from './run-env.ts';
import { asRun, epochLoop, openPolicyTrainer, trainWithCheckpoints } from './run-stages.ts';
import { longerSeqLenAdvice, planFinetune, type ResolvedConfig } from './validate.ts';
import { bosFollowsTokenizer, detectFormat, examplePrompter, modelCompletionEndId, hasScoredTokens, tokenizeExample, type TokenizedExample } from './sft-examples.ts';
import { TokenizingTurns, tokenizingMessage } from './tokenize-in-turns.ts';
import { formatValue, plural } from '../api/format.ts';

export interface FinetuneOutcome {
  runId: string;
  status: LoopStatus;
  steps: number;
  lastLoss: number | null;
  firstValLoss: number | null;
  bestValLoss: number | null;
  /** The latest validation loss: the written model's, when the last step was validated (it is, at the end of a run). */
  lastValLoss: number | null;
  /** The step lastValLoss was measured at: 0 when a run stopped before its first validation after the start. */
  lastValStep: number | null;
  /** Training examples cut to the sequence length (of trainExamples; the log counts validation's too). */
  truncatedExamples: number;
  trainExamples: number;
  /** The model's context (its positions): the longest sequence length there is, which the run view's cut warning weighs. */
  modelContext: number;
  adapterPath: string | null;
  outputModel: string | null;
}

/**
 * The run's examples, read and tokenized in turns (tokenize-in-turns.ts): `onTokenized(done, total)` hears how far it
 * got, and a Ctrl-C (the CLI) or a cancel (a job) is heard between batches rather than after the whole set, and then
 * it returns null: nothing was trained, and nothing may be saved from part of the data.
 */
async function loadExamples(dataDir: string, dataset: Dataset, config: ResolvedConfig, tokenizer: TextTokenizer, endId: number | null, signal: AbortSignal, onTokenized?: (done: number, total: number) => void) {
  const format = detectFormat(dataset, config.format);
  const prompter = examplePrompter(format, dataset, dataDir);
  // Each row keeps its name in the split it came from (`train:3`), so an error about it points at the data.
  const rows = (split: 'train' | 'validation') => readRows(datasetDir(dataDir, dataset.id), split, 0, Math.max(1, dataset.splits[split] ?? 0)).rows.map((row, i) => ({ row, id: `${split}:${i}` }));
  let train = rows('train');
  let val = (dataset.splits.validation ?? 0) > 0 ? rows('validation') : [];
  if (val.length === 0) {
    const n = Math.max(1, Math.floor(train.length / 10)); // no validation split: hold out the last tenth of train
    val = train.slice(-n);
    train = train.slice(0, -n);
  }
  // a run from before bosFollowsTokenizer was recorded resumes with the examples it trained on
  const followsTokenizer = bosFollowsTokenizer(config);
  const cut = { train: 0, validation: 0 }; // counted per split: the summary prints the training count beside the training set
  let unscored = 0;
  const turns = new TokenizingTurns(train.length + val.length, signal, onTokenized);
  const tokenize = async (r: typeof train, split: keyof typeof cut): Promise<TokenizedExample[] | null> => {
    const examples = await turns.map(r, ({ row, id }) => {
      const t = tokenizeExample(prompter(row, id, tokenizer), tokenizer, { seqLen: config.seqLen, trainOnPrompt: config.trainOnPrompt, endId, bosFollowsTokenizer: followsTokenizer });
      if (t.truncated) cut[split]++;
      if (hasScoredTokens(t.example)) return t.example;
      unscored++; // nothing to learn, and a 0/0 loss
      return null;
    });
    return examples && examples.filter((e): e is TokenizedExample => e !== null);
  };
  const sampleRows = val.slice(0, 3).map(({ row, id }) => prompter(row, id, tokenizer));
  const trainExamples = await tokenize(train, 'train');
  const valExamples = trainExamples && (await tokenize(val, 'validation'));
  if (!trainExamples || !valExamples) return null;
  return { format, train: trainExamples, val: valExamples, truncated: cut.train + cut.validation, truncatedTrain: cut.train, unscored, sampleRows };
}

export async function startFinetune(input: unknown, env: TrainEnv): Promise<FinetuneOutcome> {
  const { config, model, dataset } = planFinetune(input, env.store, env.dataDir); // before the run exists: bad input leaves none behind
  const run = env.store.runs.create({ kind: 'finetune', name: config.name ?? defaultFinetuneRunName(config.method, model.name, dataset.name), projectId: config.projectId, config, owner: env.owner });
  return continueFinetune(run.id, config, env);
}

export async function resumeFinetune(runId: string, env: TrainEnv): Promise<FinetuneOutcome> {
  const run = runToResume(env.store, runId, 'finetune', 'lathe train --resume');
  return continueFinetune(runId, run.config as ResolvedConfig, env);
}

async function continueFinetune(runId: string, config: ResolvedConfig, env: TrainEnv): Promise<FinetuneOutcome> {
  const { store, dataDir } = env;
  return asRun(runId, env, async (dir) => {
    const dataset = store.datasets.find(config.datasetId);
    const folder = readHfFolder(config.modelPath);
    const tokenizer = TextTokenizer.fromFolder(config.modelPath);
    const data = await loadExamples(dataDir, dataset, config, tokenizer, modelCompletionEndId(folder, tokenizer), env.signal,
      (done, total) => env.progress(0, tokenizingMessage('examples', done, total), null));
    if (!data) {
      // cancelled while tokenizing: no trainer was opened and no checkpoint written (a resume starts from the model)
      const losses = { lastLoss: null, firstValLoss: null, bestValLoss: null, lastValLoss: null, lastValStep: null };
      return { runId, status: 'cancelled', steps: listCheckpoints(dir).at(-1)?.step ?? 0, ...losses, truncatedExamples: 0, trainExamples: 0, modelContext: folder.spec.maxPositions, adapterPath: null, outputModel: null };
    }
    if (data.truncated > 0) {
      const one = data.truncated === 1;
      // what was cut (tokenizeExample: a prompt's middle, then a long completion's end) and what keeps more
      env.log('warn', `${formatValue(data.truncated)} of ${plural(data.train.length + data.val.length, 'example')} ${one ? 'is' : 'are'} longer than ${config.seqLen} tokens and ${one ? 'was' : 'were'} cut `
        + `(a long prompt loses its middle, a completion longer than half the window its end); ${longerSeqLenAdvice(config.seqLen, folder.spec.maxPositions, 'log')}`);
    }
    if (data.unscored > 0) env.log('warn', `${plural(data.unscored, 'example')} ${data.unscored === 1 ? 'has' : 'have'} no completion token to score (an empty completion) and ${data.unscored === 1 ? 'was' : 'were'} left out`);
    env.log('info', `format ${data.format}: ${formatValue(data.train.length)} training and ${plural(data.val.length, 'validation example')}`);
    const { opened, lora, isLora, checkpoints } = await openPolicyTrainer(dir, runId, env, folder, config, { microBatches: config.gradAccum });
    const { runner } = opened;
    const dropout = opened.dropoutSeed ? lora.dropout : null;
    const batches = new ExampleBatches(data.train, data.val, config.batchSize, config.gradAccum, config.seed, tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0);
    const samplesFile = path.join(dir, SAMPLES_FILE);
    // a resumed run keeps the base model's continuations its first attempt wrote (an older one did not record the cut)
    const before: (Partial<Continuation> & { text: string } | null)[] = fs.existsSync(samplesFile)
      ? (JSON.parse(fs.readFileSync(samplesFile, 'utf8')) as Sample[]).map((s) => (s.before === null ? null : { text: s.before, cut: s.beforeCut }))
      : await greedy(config.modelPath, data.sampleRows.map((s) => s.prompt), { threads: runThreads(config.threads, env) });
    const firstVal = store.runs.metrics(runId, 'val_loss')[0]?.value ?? null;
    const result = await trainWithCheckpoints(opened, batches, epochLoop(config, batches.stepsPerEpoch, 0.03, dropout), env, runId, dir, checkpoints);
    // the trainer's weights and optimiser state are let go before the output is written and sampled
    const trained = result.status === 'cancelled' ? null : runner.weights();
    await runner.release();
    let adapterPath: string | null = null;
    let outputModel: string | null = null;
    if (trained) {
      ({ adapterPath, outputModel } = await writePolicyOutputs(env, runId, dir, { kind: 'finetune', ...config }, trained, folder, lora));
      const prompts = data.sampleRows.map((s) => s.prompt);
      const after = isLora ? await greedy(config.modelPath, prompts, { adapter: adapterPath!, threads: runThreads(config.threads, env) }) : await greedy(store.models.find(outputModel!).path, prompts, { threads: runThreads(config.threads, env) });
      // a completion may carry the space after its prompt's "Label:" (" 1"): the reference shown reads "1"
      const samples: Sample[] = data.sampleRows.map((s, i) => ({ prompt: s.prompt, reference: s.completion.trim(), before: before[i]?.text ?? null, after: after[i].text, ...(before[i]?.cut !== undefined ? { beforeCut: before[i].cut } : {}), afterCut: after[i].cut }));
      fs.writeFileSync(samplesFile, `${JSON.stringify(samples, null, 2)}\n`);
    }
    return {
      runId,
      status: result.status,
      steps: result.state.step,
      lastLoss: result.lastLoss,
      firstValLoss: firstVal ?? store.runs.metrics(runId, 'val_loss')[0]?.value ?? null,
      bestValLoss: result.state.bestValLoss,
      lastValLoss: result.state.lastValLoss,
      lastValStep: store.runs.metrics(runId, 'val_loss').at(-1)?.step ?? null,
      truncatedExamples: data.truncatedTrain,
      trainExamples: data.train.length,
      modelContext: folder.spec.maxPositions,
      adapterPath,
      outputModel,
    };
  });
}
