// Evaluation end to end through the Studio API and the job queue: stories260K on 8 DialogSum rows, zero-shot
// and few-shot:2, then comparison, export and the project scorecard; cancelling keeps partial results; a
// perplexity run's NLL matches a TypeScript log-softmax over the same logits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { readPredictions } from '../../native/eval/predictions.ts';
import { scoreExample } from '../../native/eval/scoring.ts';
import { createNllSession, sequenceNll } from '../../native/eval/runner-perplexity.ts';
import { logSoftmax } from '../../native/generate/processors.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const MODEL = path.join(DATA, 'models/stories260K');
const DIALOGSUM = path.join(DATA, 'datasets/dialogsum/test.jsonl');
const available = fs.existsSync(path.join(MODEL, 'stories260K.bin')) && fs.existsSync(DIALOGSUM);
if (!available) console.warn(`eval-job tests skipped: ${DATA} (stories260K and DialogSum) is not present`);

let dataDir: string;
let studio: Studio;
let modelDir: string;

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function finishedJob(jobId: string) {
  await studio.queue.whenFinished(jobId);
  return studio.call('jobs.get', { id: jobId });
}

describe.skipIf(!available)('evaluation jobs', () => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-eval-'));
    const model = await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
    modelDir = model.path;
    studio = new Studio({ dataDir, mode: 'serve' });
    await importDataset({ path: DIALOGSUM, name: 'ds-test' }, { store: studio.store, dataDir });
  });
  afterAll(async () => {
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs zero-shot and few-shot:2 as jobs, then compares, exports and scores the project', async () => {
    const project = await studio.call('projects.create', { name: 'summaries', task: 'summarization', metric: 'rougeL', target: 0.01 });
    const common = { model: 's260k', dataset: 'ds-test', split: 'test' as const, limit: 8, metrics: ['rouge' as const, 'bleu' as const], generation: { maxNewTokens: 24 }, projectId: project.id };
    const zero = await studio.call('eval.start', { ...common, shots: 0 });
    // Two whole DialogSum dialogues never fit stories260K's 512-token context, so the few-shot run prompts with
    // the short topic column instead, which lets both examples in.
    const topicTemplate = { instruction: 'Summarize.', input: 'Topic: {{topic1}}', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:' };
    const few = await studio.call('eval.start', { ...common, shots: 2, template: topicTemplate });
    const jobs = [await finishedJob(zero.id), await finishedJob(few.id)];
    for (const job of jobs) {
      expect(job.state, job.error ?? '').toBe('succeeded');
      expect(job.runId).toMatch(/^run_/);
    }
    const runIds = jobs.map((j) => j.runId!);

    const summary = await studio.call('eval.get', { id: runIds[1] });
    expect(summary.status).toBe('succeeded');
    expect(summary.examples).toBe(8);
    expect(summary.metrics.map((m) => m.name)).toEqual(['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu']);
    for (const m of summary.metrics) {
      expect(m.ci95).not.toBeNull();
      expect(m.ci95!.low).toBeLessThanOrEqual(m.value + 1e-12);
    }
    expect(summary.timing.tokensPerSecond).toBeGreaterThan(0);
    const config = summary.run.config as { dataset: { contentHash: string }; template: { label: string }; referenceColumns: string[]; codeVersion: { version: string } };
    expect(config.template.label).toBe('custom, few-shot:2');
    expect(config.referenceColumns).toEqual(['summary1', 'summary2', 'summary3']);
    expect(config.dataset.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(config.codeVersion.version).toMatch(/\d+\.\d+/);

    const examples = readPredictions(summary.predictionsPath!);
    expect(examples).toHaveLength(8);
    expect(examples[0].references).toHaveLength(3);
    for (const e of examples) {
      expect(e.shotsUsed).toBe(2);
      expect(e.truncatedTokens).toBe(0);
      expect(e.prompt!.split('Topic:').length - 1).toBe(3); // two examples, then the query
      expect(e.prompt!.split('Summary:').length - 1).toBe(3);
    }
    expect(summary.shotsUsedMean).toBe(2);
    expect(Object.keys(examples[0].scores)).toEqual(['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu']);
    for (const e of examples) expect(scoreExample(['rouge1', 'rouge2', 'rougeL', 'rougeLsum', 'bleu'], e.prediction, e.references)).toEqual(e.scores);
    expect(summary.metrics[2].value).toBeCloseTo(examples.reduce((s, e) => s + e.scores.rougeL, 0) / 8, 12);

    const comparison = await studio.call('runs.compare', { runIds });
    expect(comparison.runs.map((r) => r.template)).toEqual(['zero-shot', 'custom, few-shot:2']); // the few-shot run's own layout, named so
    const rougeL = comparison.metrics.find((m) => m.name === 'rougeL')!;
    expect(rougeL.values.every((v) => v !== null && v.ci95 !== null)).toBe(true);

    const page = await studio.call('runs.examples', { runIds, metric: 'rougeL', sort: 'delta-desc', limit: 8 });
    expect(page.joinedBy).toBe('example-id');
    expect(page.total).toBe(8);
    const deltas = page.rows.map((r) => r.delta!);
    expect([...deltas].sort((a, b) => b - a)).toEqual(deltas);
    expect(page.rows[0].outputs.every((o) => o !== null)).toBe(true);

    const csv = await studio.call('runs.export', { runIds, format: 'csv' });
    expect(csv.content.split('\r\n')[0]).toContain(`${runIds[0]}.prediction`);
    const json = JSON.parse((await studio.call('runs.export', { runIds, format: 'json' })).content) as { metrics: unknown[]; examples: { rows: unknown[] } };
    expect(json.examples.rows).toHaveLength(8);

    const card = await studio.call('projects.scorecard', { id: project.id });
    expect(card.runsConsidered).toBe(2);
    const best = Math.max(...rougeL.values.map((v) => v!.value));
    expect(card.best!.value).toBe(best);
    expect(card.status).toBe(best >= 0.01 ? 'pass' : 'fail');
    expect(card.margin).toBeCloseTo(best - 0.01);
  });

  it('refuses few-shot when a query leaves no room for one example, instead of running zero-shot', async () => {
    const runsBefore = (await studio.call('runs.list', {})).length;
    const job = await studio.call('eval.start', { model: 's260k', dataset: 'ds-test', limit: 3, metrics: ['rougeL'], shots: 2, generation: { maxNewTokens: 8 } });
    const done = await finishedJob(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/few-shot:2 cannot fit even one example beside 3 of 3 queries.*context is 512 tokens.*--prompt/s);
    expect(done.runId).toBeNull();
    expect((await studio.call('runs.list', {})).length).toBe(runsBefore);
  });

  it('chooses examples that fit beside each query and records the shots used', async () => {
    // The summaries alone as inputs: short queries, and examples of mixed lengths to choose from.
    const template = { input: 'Dialogue: {{summary2}}', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:' };
    const job = await studio.call('eval.start', { model: 's260k', dataset: 'ds-test', limit: 3, metrics: ['rougeL'], shots: 6, template, generation: { maxNewTokens: 8 } });
    const done = await finishedJob(job.id);
    expect(done.state).toBe('succeeded');
    const rows = readPredictions((await studio.call('eval.get', { id: done.runId! })).predictionsPath!);
    for (const e of rows) {
      expect(e.shotsUsed).toBeGreaterThan(0);
      expect(e.truncatedTokens).toBe(0);
      expect(e.prompt!.split('Dialogue:').length - 1).toBe(e.shotsUsed! + 1);
    }
  });

  it('refuses bad requests with the field named', async () => {
    await expect(studio.call('eval.start', { model: 's260k', dataset: 'ds-test', metrics: ['rouge'], adapterPath: '/tmp/adapter-that-is-not-there' })).rejects.toThrow(/^\/tmp\/adapter-that-is-not-there: no such folder; check the path of the PEFT LoRA adapter/);
    await expect(studio.call('eval.start', { model: 'nope', dataset: 'ds-test', metrics: ['rouge'] })).rejects.toThrow(/no model named 'nope'/);
    await expect(studio.call('eval.start', { model: 's260k', dataset: 'ds-test', metrics: ['perplexity', 'bleu'] })).rejects.toThrow(/cannot share a run/);
  });

  it('cancels a running evaluation and keeps the examples already done', async () => {
    const job = await studio.call('eval.start', { model: 's260k', dataset: 'ds-test', split: 'all', limit: 500, metrics: ['rougeL'], generation: { maxNewTokens: 48 } });
    await waitFor(async () => (await studio.call('jobs.get', { id: job.id })).progress > 0);
    await studio.call('jobs.cancel', { id: job.id });
    const done = await finishedJob(job.id);
    expect(done.state).toBe('cancelled');
    const summary = await studio.call('eval.get', { id: done.runId! });
    expect(summary.status).toBe('cancelled');
    expect(summary.plannedExamples).toBe(500);
    expect(summary.examples).toBeGreaterThan(0);
    expect(summary.examples).toBeLessThan(500);
    expect(readPredictions(summary.predictionsPath!)).toHaveLength(summary.examples);
    expect(summary.metrics[0].name).toBe('rougeL');
    expect(summary.run.finishedAt).not.toBeNull();
  });

  it('computes perplexity without generating, and its NLL matches a log-softmax over the logits', async () => {
    const job = await studio.call('eval.start', { model: 's260k', dataset: 'ds-test', split: 'test', limit: 4, metrics: ['perplexity'] });
    const done = await finishedJob(job.id);
    expect(done.state, done.error ?? '').toBe('succeeded');
    const summary = await studio.call('eval.get', { id: done.runId! });
    expect(summary.metrics.map((m) => m.name)).toEqual(['perplexity', 'bits_per_byte']);
    const ppl = summary.metrics[0];
    expect(ppl.value).toBeGreaterThan(1);
    expect(ppl.value).toBeLessThan(512); // better than uniform over the 512-token vocabulary
    const rows = readPredictions(summary.predictionsPath!);
    const total = rows.reduce((t, r) => ({ nll: t.nll + r.nll!, tokens: t.tokens + r.scoredTokens! }), { nll: 0, tokens: 0 });
    expect(ppl.value).toBeCloseTo(Math.exp(total.nll / total.tokens), 6);

    const model = await CausalLM.load(modelDir);
    const nll = await createNllSession(model.vocabSize);
    try {
      const ids = [1, 403, 407, 261, 378, 500, 280, 289, 270, 382, 271];
      const out = await model.forward([ids], [ids.map(() => 1)], model.emptyCache(1));
      let expected = 0;
      for (let t = 0; t + 1 < ids.length; t++) expected -= logSoftmax(out.logits.slice(t * model.vocabSize, (t + 1) * model.vocabSize))[ids[t + 1]];
      const got = await sequenceNll(model, nll, ids, 512);
      expect(got.tokens).toBe(ids.length - 1);
      expect(got.nll).toBeCloseTo(expected, 3);
      // windows of 4 tokens restart the context, so the loss differs but every token is still scored once
      expect((await sequenceNll(model, nll, ids, 4)).tokens).toBe(ids.length - 1);
    } finally {
      await nll.release();
      await model.release();
    }
  });
});
