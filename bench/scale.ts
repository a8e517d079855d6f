// A grown data directory: does the studio stay fast and bounded when a person has hundreds of runs?
//   node --import tsx bench/scale.ts seed DIR      add runs, jobs, evaluations and models to DIR (import datasets first, with the CLI)
//   node --import tsx bench/scale.ts measure DIR [--lathe CHECKOUT]   time and size the Studio API calls the pages make, over
//                                                  `lathe serve` (of CHECKOUT: the code before a change, on the same data)
// Seeding goes straight through the store (the trainer's own tables and columns); measuring goes through HTTP, the
// renderer's path in a browser, so the figures include validation and JSON on both sides.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../native/store/db.ts';
import { savePredictions } from '../native/eval/predictions.ts';
import { readRows, datasetDir } from '../native/data/files.ts';

const RUNS = Number(process.env.SCALE_RUNS ?? 500);
const STEPS = Number(process.env.SCALE_STEPS ?? 2000);
const EVALS = Number(process.env.SCALE_EVALS ?? 20);
const EXAMPLES = Number(process.env.SCALE_EXAMPLES ?? 1500);
const MODELS = 50;
/** What the training loop records at every step (native/train/loop.ts), and every VAL_EVERY steps val_loss. */
const PER_STEP = ['loss', 'lr', 'grad_norm', 'tokens_per_second', 'rss_mb'];
const VAL_EVERY = 50;

async function seed(dir: string): Promise<void> {
  const store = openStore(dir);
  const project = store.projects.list()[0] ?? store.projects.create({ name: 'scale', task: 'summarization' });
  const dataset = store.datasets.list().find((d) => d.name === 'dialogsum-train') ?? store.datasets.list()[0];
  const insertMetric = store.db.prepare('INSERT INTO run_metrics (run_id, step, name, value, time) VALUES (?, ?, ?, ?, ?)');
  const t0 = Date.now();
  for (let m = 0; m < MODELS; m++) {
    store.models.create({ name: `model-${m}`, architecture: 'llama', path: path.join(dir, 'models', `model-${m}`), config: { hidden_size: 64, num_hidden_layers: 5 }, parameterCount: 260_000, source: m % 2 ? `finetune-merge:run_${m}` : 'import' });
  }
  for (let r = 0; r < RUNS; r++) {
    store.transaction(() => {
      const run = store.runs.create({ kind: 'finetune', name: `finetune s260k #${r}`, projectId: r % 3 === 2 ? null : project.id, status: 'running',
        config: { method: r % 2 ? 'lora' : 'full', modelName: 's260k', datasetId: dataset?.id, lr: 5e-4, maxSteps: STEPS, lora: { r: 8, alpha: 16, dropout: 0.05 }, loraTargets: ['q_proj', 'v_proj'] } });
      const job = store.jobs.create('finetune', { projectId: run.projectId, modelName: 's260k' });
      store.jobs.update(job.id, { state: 'running', runId: run.id });
      const time = new Date(Date.now() - (RUNS - r) * 3_600_000).toISOString();
      for (let step = 1; step <= STEPS; step++) {
        const loss = 3 * Math.exp(-step / 400) + 0.5 + 0.05 * Math.sin(step * 1.7) + (step === 777 ? 4 : 0); // one spike, as real runs have
        const values = [loss, 5e-4 * Math.min(1, step / 100), 1 + Math.cos(step), 900 + (step % 13), 410 + step / 100];
        PER_STEP.forEach((name, i) => insertMetric.run(run.id, step, name, values[i], time));
        if (step % VAL_EVERY === 0) insertMetric.run(run.id, step, 'val_loss', loss + 0.1, time);
        if (step % 100 === 0) store.jobs.appendLog(job.id, 'info', `step ${step}/${STEPS}: loss ${loss.toFixed(4)}`, time);
      }
      store.jobs.update(job.id, { state: 'succeeded', progress: 1 });
      store.runs.setStatus(run.id, 'succeeded');
    });
    if (r % 50 === 49) console.log(`seed: ${r + 1} runs (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const rows = dataset ? readRows(datasetDir(dir, dataset.id), 'all', 0, EXAMPLES).rows : [];
  for (let e = 0; e < EVALS; e++) {
    const run = store.runs.create({ kind: 'evaluation', name: `s260k · dialogsum-train/test · zero-shot #${e}`, projectId: project.id, status: 'running',
      config: { model: { id: null, name: 's260k' }, adapterPath: null, dataset: { id: dataset?.id, name: dataset?.name, contentHash: dataset?.contentHash, splitSeed: 42 }, split: 'test', limit: EXAMPLES, metrics: ['rougeL', 'bleu'], template: { label: 'zero-shot', shots: 0 } } });
    const examples = rows.map((row, i) => ({
      index: i, id: `test:${i}`, input: String(row.dialogue ?? row.instruction ?? ''), references: [String(row.summary ?? row.output ?? '')],
      prediction: String(row.summary ?? '').split(' ').reverse().join(' '), scores: { rougeL: ((i * 7 + e) % 100) / 100, bleu: ((i * 3 + e) % 100) / 100 },
      promptTokens: 200, truncatedTokens: 0, generatedTokens: 40, latencyMs: 120, prompt: `Summarize the dialogue:\n${String(row.dialogue ?? '')}\nSummary:`, finishReason: 'eos',
    }));
    await savePredictions(store, dir, run.id, examples);
    for (const [name, value] of [['rougeL', 0.3 + e / 100], ['bleu', 0.1], ['examples', examples.length], ['total_seconds', 60]] as const) store.runs.addMetric({ runId: run.id, step: examples.length, name, value });
    store.runs.setStatus(run.id, 'succeeded');
  }
  console.log(`seed: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${fs.statSync(path.join(dir, 'lathe.db')).size / 2 ** 20 | 0} MiB lathe.db`);
  store.close();
}

export async function startServe(dir: string, bin = path.resolve(import.meta.dirname, '../bin/lathe.mjs')): Promise<{ url: URL; peakRssMb(): number; call(method: string, params: unknown): Promise<{ ms: number; bytes: number; result: unknown }>; stop(): void }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, LATHE_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<URL>((resolve) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /(http:\/\/\S+)/.exec(out);
      if (m) resolve(new URL(m[1]));
    });
  });
  const token = url.searchParams.get('token')!;
  return {
    url,
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    async call(method, params) {
      const t0 = performance.now();
      const res = await fetch(new URL(`/api/rpc/${method}`, url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(params) });
      const text = await res.text();
      const ms = performance.now() - t0;
      const body = JSON.parse(text) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return { ms, bytes: Buffer.byteLength(text), result: body.result };
    },
    stop: () => child.kill(),
  };
}

/** The newest runs of a kind, oldest first, read without the store: opening it would migrate the file to this schema. */
export function newestRuns(dir: string, kind: string, n: number): string[] {
  const db = new Database(path.join(dir, 'lathe.db'), { readonly: true });
  try {
    return (db.prepare('SELECT id FROM runs WHERE kind = ? ORDER BY created_at DESC, rowid DESC LIMIT ?').all(kind, n) as { id: string }[]).map((r) => r.id).reverse();
  } finally {
    db.close();
  }
}

async function measure(dir: string, checkout: string): Promise<void> {
  const [older, train] = newestRuns(dir, 'finetune', 2).map((id) => ({ id }));
  const evals = newestRuns(dir, 'evaluation', 2).map((id) => ({ id }));
  const db = new Database(path.join(dir, 'lathe.db'), { readonly: true });
  const project = db.prepare('SELECT id FROM projects ORDER BY created_at LIMIT 1').get() as { id: string };
  const datasets = db.prepare("SELECT d.id, s.row_count AS train FROM datasets d JOIN dataset_splits s ON s.dataset_id = d.id AND s.split = 'train' ORDER BY d.created_at").all() as { id: string; train: number }[];
  db.close();
  const serve = await startServe(dir, path.join(checkout, 'bin/lathe.mjs'));
  const calls: [string, string, unknown][] = [
    ['Runs page', 'runs.list', {}],
    ['Runs page', 'jobs.list', { limit: 100 }],
    ['Run page', 'runs.get', { id: train.id }],
    ['Run page (before: every point)', 'runs.metrics', { id: train.id }],
    ['Run page (after: as the page asks)', 'runs.metrics', { id: train.id, maxPoints: 500 }],
    ['Run page', 'jobs.list', { runId: train.id, limit: 50 }],
    ['Run page', 'jobs.logs', { id: '', tail: 200 }],
    ['Compare (2 training runs)', 'runs.compare', { runIds: [train.id, older.id] }],
    ['Compare (2 evaluations)', 'runs.compare', { runIds: evals.map((r) => r.id) }],
    ['Compare (2 evaluations)', 'runs.examples', { runIds: evals.map((r) => r.id), offset: 0, limit: 50 }],
    ['Evaluate', 'eval.examples', { id: evals[0].id, offset: 0, limit: 3 }],
    ['Evaluate', 'runs.list', { projectId: project.id, kind: 'evaluation' }],
    ['Fine-tune', 'runs.list', { projectId: project.id, kind: 'finetune' }],
    ['Journey', 'projects.journey', { id: project.id }],
    ['Datasets', 'datasets.list', {}],
    ...datasets.map((d): [string, string, unknown] => ['Dataset viewer', 'datasets.rows', { id: d.id, split: 'train', offset: Math.max(0, d.train - 50), limit: 50 }]),
    ['Select', 'models.list', {}],
  ];
  const jobs = (await serve.call('jobs.list', { runId: train.id, limit: 1 })).result as { id: string }[];
  console.log('| page | method | params | response | median of 5 |');
  console.log('|---|---|---|---:|---:|');
  for (const [page, method, params] of calls) {
    const p = method === 'jobs.logs' ? { ...(params as object), id: jobs[0]?.id } : params;
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const r = await serve.call(method, p);
      times.push(r.ms);
      bytes = r.bytes;
    }
    times.sort((a, b) => a - b);
    const shown = JSON.stringify(p).replace(/"(run|proj|ds|job)_[0-9a-f]+"/g, '…').slice(0, 60);
    console.log(`| ${page} | ${method} | \`${shown}\` | ${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB | ${times[2].toFixed(1)} ms |`);
  }
  console.log(`\nlathe serve: peak resident memory ${serve.peakRssMb().toFixed(0)} MiB after these calls`);
  serve.stop();
}

const [command, dir] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!dir || (command !== 'seed' && command !== 'measure')) {
    console.error('usage: node --import tsx bench/scale.ts seed|measure DIR');
    process.exit(2);
  }
  const at = process.argv.indexOf('--lathe'); // another checkout's `lathe serve` (the code before a change) on the same data
  await (command === 'seed' ? seed(path.resolve(dir)) : measure(path.resolve(dir), path.resolve(at > 0 ? process.argv[at + 1] : path.join(import.meta.dirname, '..'))));
}
