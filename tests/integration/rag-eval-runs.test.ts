// Retrieval evaluation as evaluation runs: a dataset of queries with their relevant document, one run per search
// mode through the Studio API (a 'retrieval-eval' job) and through `lathe docs eval`, the modes side by side in
// runs.compare and joined example by example. BM25's ranks here follow from the Okapi formula by hand:
//   alpha.txt "The ferry runs hourly from the north pier."    (8 terms)
//   beta.txt  "The crane arrives in May at the harbour."      (8 terms)
//   gamma.txt "Diesel engines are rebuilt each winter."       (6 terms)
//   'ferry hourly'    → alpha only shares terms: relevant alpha at rank 1 (named without its extension).
//   'crane engines'   → beta (crane) and gamma (engines), each term in one of three documents, so the same idf and
//                       tf; gamma is shorter, so its length norm ranks it first: relevant beta.txt at rank 2.
//   'zebra xylophone' → no document shares a term: nothing retrieved, relevant gamma.txt unranked.
//   'north pier'      → relevant 'missing.txt' names no document: 0 everywhere (and counted as unmatched).
// recall@1 = 1/4, recall@5 = recall@10 = 2/4, MRR = (1 + 1/2)/4, nDCG@10 = (1 + 1/log2 3)/4.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETRIEVAL_METRICS, type RetrievalEvalResult } from '../../native/api/rag.ts';
import { wilsonInterval } from '../../native/api/wilson.ts';
import { Studio } from '../../native/studio/studio.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const BM25_BY_HAND: Record<string, number> = { 'recall@1': 1 / 4, 'recall@5': 2 / 4, 'recall@10': 2 / 4, mrr: 1.5 / 4, 'ndcg@10': (1 + 1 / Math.log2(3)) / 4 };

let root = '';
let dataDir = '';
let studio: Studio;
let studioOpen = false;

async function finished(jobId: string) {
  await studio.queue.whenFinished(jobId);
  const job = await studio.call('jobs.get', { id: jobId });
  expect(job.state, job.error ?? '').toBe('succeeded');
  return job;
}

beforeAll(async () => {
  root = tempDir('rag-eval-runs');
  dataDir = path.join(root, 'data');
  const docs = path.join(root, 'docs');
  fs.mkdirSync(docs);
  fs.writeFileSync(path.join(docs, 'alpha.txt'), 'The ferry runs hourly from the north pier.');
  fs.writeFileSync(path.join(docs, 'beta.txt'), 'The crane arrives in May at the harbour.');
  fs.writeFileSync(path.join(docs, 'gamma.txt'), 'Diesel engines are rebuilt each winter.');
  const queries = [
    { question: 'ferry hourly', file: 'alpha' },
    { question: 'crane engines', file: 'beta.txt' },
    { question: 'zebra xylophone', file: 'gamma.txt' },
    { question: 'north pier', file: 'missing.txt' },
  ];
  fs.writeFileSync(path.join(root, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
  await writeTinyBert(path.join(root, 'bert'), { pooling: 'mean' });
  studio = new Studio({ dataDir, mode: 'cli' });
  studioOpen = true;
  await studio.call('collections.create', { name: 'tiny', embedModel: path.join(root, 'bert'), chunkTokens: 48, overlapTokens: 8 });
  await finished((await studio.call('collections.addDocuments', { collection: 'tiny', paths: [docs] })).id);
  await finished((await studio.call('datasets.import', { path: path.join(root, 'queries.jsonl'), name: 'queries', split: 'test' })).id);
});

afterAll(async () => {
  if (studioOpen) await studio.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('retrieval evaluation runs', () => {
  let runIds: string[] = [];

  it('records one evaluation run per mode; BM25 scores as computed by hand', async () => {
    const job = await finished((await studio.call('collections.evaluate', { collection: 'tiny', dataset: 'queries', queryColumn: 'question', relevantColumn: 'file', modes: ['bm25', 'dense', 'hybrid'] })).id);
    const result = job.result as RetrievalEvalResult;
    expect(result.runs.map((r) => r.mode)).toEqual(['bm25', 'dense', 'hybrid']);
    expect(result.queries).toBe(4);
    expect(result.unmatched).toBe(1);
    for (const m of RETRIEVAL_METRICS) expect(result.runs[0].metrics[m], m).toBeCloseTo(BM25_BY_HAND[m], 12);
    runIds = result.runs.map((r) => r.runId);
    for (const id of runIds) {
      const run = await studio.call('runs.get', { id });
      expect(run.kind).toBe('evaluation');
      expect(run.status).toBe('succeeded');
    }
  });

  it('shows the modes side by side in Compare, with intervals, and joins their examples by id', async () => {
    const cmp = await studio.call('runs.compare', { runIds });
    expect(cmp.runs.map((r) => r.template)).toEqual(['retrieval: bm25', 'retrieval: dense', 'retrieval: hybrid']);
    expect(cmp.runs.every((r) => r.dataset === 'queries' && r.examples === 4)).toBe(true);
    expect(cmp.metrics.slice(0, 5).map((m) => m.name)).toEqual([...RETRIEVAL_METRICS]);
    const mrr = cmp.metrics.find((m) => m.name === 'mrr')!;
    expect(mrr.higherIsBetter).toBe(true);
    expect(mrr.values[0]!.value).toBeCloseTo(1.5 / 4, 12);
    expect(mrr.values[0]!.ci95!.low).toBeLessThanOrEqual(1.5 / 4);
    expect(mrr.values.every((v) => v !== null && v.value >= 0 && v.value <= 1)).toBe(true);
    // each query names one relevant document, so recall@k is 0/1 per query: Wilson's interval, recorded as such, as
    // every view reads it (a bootstrap of a few queries all found read 1.0000–1.0000); MRR keeps the bootstrap
    expect((await studio.call('runs.get', { id: runIds[0] })).config).toMatchObject({ retrieval: { oneRelevantPerQuery: true } });
    const recall5 = cmp.metrics.find((m) => m.name === 'recall@5')!;
    const hits = Math.round(BM25_BY_HAND['recall@5'] * 4);
    expect(recall5.values[0]!.ci95).toEqual(wilsonInterval(hits, 4));
    expect(recall5.values[0]!.ci95Kind).toBe('Wilson');
    expect(mrr.values[0]!.ci95Kind).toBe('bootstrap');
    expect((await studio.call('eval.get', { id: runIds[0] })).metrics.find((m) => m.name === 'recall@5')!.ci95).toEqual(wilsonInterval(hits, 4));
    expect(mrr.values[0]!.ci95).not.toEqual(wilsonInterval(Math.round(1.5), 4));

    const page = await studio.call('runs.examples', { runIds, metric: 'mrr', sort: 'index' });
    expect(page.joinedBy).toBe('example-id');
    expect(page.total).toBe(4);
    const crane = page.rows.find((r) => r.input === 'crane engines')!;
    expect(crane.references).toEqual(['beta.txt']);
    expect(crane.outputs[0]!.prediction.split('\n').slice(0, 2)).toEqual(['1. gamma.txt', '2. beta.txt']);
    expect(crane.outputs[0]!.scores).toEqual({ 'recall@1': 0, 'recall@5': 1, 'recall@10': 1, mrr: 0.5, 'ndcg@10': 1 / Math.log2(3) });
    const zebra = page.rows.find((r) => r.input === 'zebra xylophone')!;
    expect(zebra.outputs[0]!.prediction).toBe('(nothing retrieved)');
  });

  it('refuses a mode the collection cannot search, and a column that names no document', async () => {
    await studio.call('collections.create', { name: 'words-only' });
    await finished((await studio.call('collections.addDocuments', { collection: 'words-only', paths: [path.join(root, 'docs')] })).id);
    await expect(studio.call('collections.evaluate', { collection: 'tiny', dataset: 'queries', queryColumn: 'question', relevantColumn: 'nope' })).rejects.toThrow(/no column 'nope' \(--relevant-column; columns: .*question/);
    const job = await studio.call('collections.evaluate', { collection: 'words-only', dataset: 'queries', queryColumn: 'question', relevantColumn: 'file', modes: ['hybrid'] });
    await studio.queue.whenFinished(job.id);
    expect((await studio.call('jobs.get', { id: job.id })).error).toMatch(/no embedding model, so only bm25/);
  });

  it('runs from the CLI: `lathe docs eval` prints the table and records the runs', async () => {
    studioOpen = false;
    await studio.close(); // the CLI opens the store itself
    const r = await inProcessLathe(dataDir, ['docs', 'eval', 'words-only', '--dataset', 'queries', '--query-column', 'question', '--relevant-column', 'file', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<RetrievalEvalResult>();
    expect(out.runs.map((x) => x.mode)).toEqual(['bm25']);
    for (const m of RETRIEVAL_METRICS) expect(out.runs[0].metrics[m], m).toBeCloseTo(BM25_BY_HAND[m], 12);
    expect(r.stderr).toMatch(/1 of 4 queries name no document of 'words-only'/);
    // the text table words the scores as 'lathe eval' and 'runs compare' do: four decimals (cli/figures.ts formatMetric)
    const table = await inProcessLathe(dataDir, ['docs', 'eval', 'words-only', '--dataset', 'queries', '--query-column', 'question', '--relevant-column', 'file']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^bm25 +run_\S+ +0\.2500 +0\.5000 +0\.5000 +0\.3750 +0\.4077$/m);
    const text = await inProcessLathe(dataDir, ['docs', 'eval', 'words-only', '--dataset', 'queries', '--query-column', 'question', '--relevant-column', 'question']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/no row's 'question' names a document of collection 'words-only'.*alpha\.txt/);
  });
});
