// A long history: the Runs and Compare pages' API calls with 2,000 runs and two 5,000-example evaluations.
//   node --import tsx bench/runs-api.ts seed DIR       fill an empty DIR through the store (configs as the trainer,
//                                                     evaluator and playground write them; predictions from DialogSum)
//   node --import tsx bench/runs-api.ts measure DIR [--lathe CHECKOUT] [--rounds N] [--only METHOD]
// Measuring goes through `lathe serve` (of CHECKOUT: the code before a change, on the same data), the renderer's path
// in a browser: the figures include validation and JSON on both sides. One JSON line per call: response size, and the
// min and median time of N rounds (the page polls, so every call after the first is a repeat).
import fs from 'node:fs';
import path from 'node:path';
import { savePredictions } from '../native/eval/predictions.ts';
import { openStore } from '../native/store/db.ts';
import { newestRuns, startServe } from './scale.ts';

const RUNS = Number(process.env.RUNS_API_RUNS ?? 2000);
const EXAMPLES = Number(process.env.RUNS_API_EXAMPLES ?? 5000);
const DIALOGSUM = path.resolve(import.meta.dirname, '../../shared/data/datasets/dialogsum');

/** Configs as `lathe train`, `lathe eval` and the playground record them (copied from real runs, ids varied). */
function configOf(kind: string, i: number, dir: string): unknown {
  const model = { id: `mdl_${i.toString(16).padStart(12, '0')}`, name: 's260k', architecture: 'LlamaForCausalLM', path: path.join(dir, 'models', `mdl_${i}`) };
  if (kind === 'finetune') {
    return { model: 's260k', dataset: 'dialogsum-dev', method: i % 2 ? 'lora' : 'full', lora: { r: 4, alpha: 16, dropout: 0.05 }, format: 'summary', trainOnPrompt: false, merge: true, outputName: `s-ft-${i}`, epochs: 1, maxSteps: 200, batchSize: 4, gradAccum: 1, warmupSteps: null, schedule: 'cosine', weightDecay: 0, clipNorm: 1, evalEvery: 50, evalBatches: 16, saveEvery: 100, keepCheckpoints: 3, earlyStoppingPatience: 0, seed: 42, projectId: null, lr: 0.002, seqLen: 256, modelId: model.id, modelName: 's260k', modelPath: model.path, datasetId: 'ds_46a6dc139744', loraTargets: ['q_proj', 'v_proj'] };
  }
  if (kind === 'generation') {
    const prompt = `Once upon a time, in a village by the sea, there lived a girl named ${i}. `.repeat(3);
    return { modelId: model.id, modelName: 's260k', prompt, messages: undefined, settings: { maxNewTokens: 128, temperature: 0.8, topK: 40, topP: 0.95, seed: i }, label: null };
  }
  return {
    model, adapterPath: null, adapter: null, dataset: { id: 'ds_dab5a7989a09', name: 'dialogsum-test', contentHash: '6de36eca7e7b9b10975fd5ea3f47391df172d8b3c15d03d84d763cbaab015fda', splitSeed: 42 },
    split: 'test', limit: EXAMPLES, metrics: ['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu'],
    template: { label: 'zero-shot', shots: 0, shotSeed: 0, instruction: 'Summarize the dialogue in one sentence.', input: 'Dialogue:\n{{dialogue}}', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:', fewShotPoolRows: 0, shotsFrom: null },
    inputColumn: 'dialogue', referenceColumns: ['summary1', 'summary2', 'summary3'], ner: null, generation: { maxNewTokens: 16 }, batchSize: 1, judge: null,
    rouge: { stem: true }, bootstrap: { samples: 1000, seed: 0, confidence: 0.95 }, codeVersion: { version: '0.1.0', commit: null },
    applied: { maxNewTokens: 16, temperature: 0, topK: null, topP: null, minP: null, repetitionPenalty: null, noRepeatNgramSize: null, numBeams: 1, seed: null, stop: ['\n'], contextTokens: 512, promptBudgetTokens: 496 },
  };
}

const KINDS = ['finetune', 'evaluation', 'evaluation', 'generation']; // a person evaluates more often than they train

async function seed(dir: string): Promise<void> {
  const store = openStore(dir);
  const project = store.projects.create({ name: 'long-history', task: 'summarization' });
  const t0 = Date.now();
  store.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const kind = KINDS[i % KINDS.length];
      const run = store.runs.create({ kind, name: `${kind} s260k #${i}`, projectId: i % 5 === 4 ? null : project.id, config: configOf(kind, i, dir) });
      store.runs.setStatus(run.id, 'running');
      for (const name of kind === 'evaluation' ? ['rougeL', 'bleu', 'examples'] : ['loss', 'val_loss']) store.runs.addMetric({ runId: run.id, step: 200, name, value: 0.3 });
      store.runs.setStatus(run.id, 'succeeded');
    }
  });
  const rows = ['test', 'dev', 'train'].flatMap((f) => fs.readFileSync(path.join(DIALOGSUM, `${f}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>));
  for (let e = 0; e < 2; e++) {
    const run = store.runs.create({ kind: 'evaluation', name: `s260k · dialogsum/test · zero-shot (5k) #${e}`, projectId: project.id, config: configOf('evaluation', RUNS + e, dir) });
    const examples = Array.from({ length: EXAMPLES }, (_, i) => {
      const row = rows[i % rows.length];
      const summary = row.summary ?? row.summary1 ?? '';
      return {
        index: i, id: `test:${i}`, input: row.dialogue, references: [summary, row.summary2 ?? summary, row.summary3 ?? summary].filter(Boolean),
        prediction: summary.split(' ').reverse().join(' '), prompt: `Summarize the dialogue in one sentence.\n\nDialogue:\n${row.dialogue}\nSummary:`, finishReason: 'eos',
        scores: { rouge1: ((i * 7 + e) % 100) / 100, rouge2: ((i * 5 + e) % 100) / 100, rougeL: ((i * 3 + e) % 100) / 100, rougeLsum: ((i * 3 + e) % 100) / 100, bleu: ((i * 11 + e) % 100) / 100 },
        promptTokens: 300, truncatedTokens: 0, generatedTokens: 16, latencyMs: 120 + (i % 50),
      };
    });
    await savePredictions(store, dir, run.id, examples);
    store.runs.setStatus(run.id, 'succeeded');
  }
  const files = store.runs.list({ kind: 'evaluation' }).slice(-2).map((r) => store.runs.artifacts(r.id)[0]);
  console.log(JSON.stringify({ seeded: dir, runs: RUNS + 2, examplesPerEvaluation: EXAMPLES, predictionsMiB: files.map((a) => +(a.bytes / 2 ** 20).toFixed(1)), seconds: (Date.now() - t0) / 1000 }));
  store.close();
}

async function measure(dir: string, checkout: string, rounds: number, only: string | undefined): Promise<void> {
  const evals = newestRuns(dir, 'evaluation', 2);
  const serve = await startServe(dir, path.join(checkout, 'bin/lathe.mjs'));
  const projects = (await serve.call('projects.list', {})).result as { id: string }[];
  const compare = { runIds: evals };
  const calls: [string, string, unknown][] = [
    ['Runs / Compare picker / Run page (before)', 'runs.list', {}],
    ['Runs / Compare picker / Run page (after)', 'runs.summaries', {}],
    ['Evaluate, Scorecard', 'runs.list', { projectId: projects[0].id, kind: 'evaluation' }],
    ['Run page', 'runs.get', { id: evals[0] }],
    ['Compare 2 evaluations', 'runs.compare', compare],
    ['Compare 2 evaluations, page 1', 'runs.examples', { ...compare, offset: 0, limit: 50 }],
    ['Compare 2 evaluations, page 40', 'runs.examples', { ...compare, offset: 1950, limit: 50 }],
    ['Evaluate, an evaluation\'s examples', 'eval.examples', { id: evals[0], offset: 0, limit: 3 }],
    ['eval.examples, a middle page of 50', 'eval.examples', { id: evals[0], offset: Math.floor(EXAMPLES / 2), limit: 50 }],
    ['eval.examples, the last page of 50', 'eval.examples', { id: evals[0], offset: EXAMPLES - 50, limit: 50 }],
    ['Evaluate, eval.get', 'eval.get', { id: evals[0] }],
  ];
  try {
    for (const [page, method, params] of calls.filter(([, method]) => only === undefined || method === only)) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < rounds; i++) {
        const r = await serve.call(method, params).catch((err: Error) => ({ ms: NaN, bytes: NaN, error: err.message }));
        if ('error' in r) break; // a method the checkout does not have
        times.push(r.ms);
        bytes = r.bytes;
      }
      if (times.length === 0) continue;
      const first = times[0];
      times.sort((a, b) => a - b);
      const shown = JSON.stringify(params).replace(/"(run|proj)_[0-9a-f]+"/g, '…');
      console.log(JSON.stringify({ checkout: path.basename(checkout), page, method, params: shown, kib: +(bytes / 1024).toFixed(1), firstMs: +first.toFixed(1), minMs: +times[0].toFixed(1), medianMs: +times[Math.floor(rounds / 2)].toFixed(1) }));
    }
    console.log(JSON.stringify({ checkout: path.basename(checkout), peakRssMiB: Math.round(serve.peakRssMb()) }));
  } finally {
    serve.stop();
  }
}

const [command, dirArg] = process.argv.slice(2);
const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
if (!dirArg || (command !== 'seed' && command !== 'measure')) {
  console.error('usage: node --import tsx bench/runs-api.ts seed|measure DIR [--lathe CHECKOUT] [--rounds N] [--only METHOD]');
  process.exit(2);
}
const dir = path.resolve(dirArg);
await (command === 'seed' ? seed(dir) : measure(dir, path.resolve(flag('--lathe') ?? path.join(import.meta.dirname, '..')), Number(flag('--rounds') ?? 7), flag('--only')));
