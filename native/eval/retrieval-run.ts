// runRetrievalEvaluation: a collection × a dataset of queries whose relevant documents are known → one evaluation
// run per search mode (BM25, dense, hybrid), each with recall@1/5/10, MRR and nDCG@10 (95% intervals: Wilson's for
// recall@k when each query has one relevant document, else the bootstrap's) in run_metrics and the ranked documents of every query in predictions.jsonl. Being ordinary evaluation runs on
// the same dataset split, they line up in Runs and in Compare, example by example. The CLI calls it in the
// foreground; the 'retrieval-eval' job (retrieval-worker.ts) in a child process.
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import { isProportion, type EvalExample, type MetricValue } from '../api/eval.ts';
import { intervalEndNames } from '../api/intervals.ts';
import { wilsonInterval } from '../api/wilson.ts';
import { plural } from '../api/format.ts';
import { RETRIEVAL_METRICS, RetrievalEvalInput, SEARCH_MODES, type RagDocument, type RetrievalEvalResult, type SearchMode } from '../api/rag.ts';
import { RETRIEVAL_DEPTH } from '../rag/retrieval-eval.ts';
import { queryScores } from '../rag/retrieval-metrics.ts';
import { CollectionIndex } from '../rag/search.ts';
import { bootstrapIntervals } from './bootstrap.ts';
import { codeVersion } from './code-version.ts';
import { savePredictions } from './predictions.ts';
import { BOOTSTRAP, type EvalContext } from './runner.ts';
import { checkColumn, loadItems, type EvalItem } from './runner-data.ts';
import { timingOf } from './scoring.ts';
import { stoppedStatus } from '../jobs/stopped.ts';

/** Documents kept per query in the predictions (what Compare shows). */
const SHOWN = 10;

export interface RetrievalEvalOutcome extends RetrievalEvalResult {
  status: 'succeeded' | 'cancelled';
}

function parseInput(raw: RetrievalEvalInput) {
  const parsed = RetrievalEvalInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    throw new StudioError('invalid_params', `retrieval evaluation: ${field ? `${field}: ` : ''}${issue.message}`, { field });
  }
  return parsed.data;
}

/** A relevant cell names a document by its file name, the name without its extension, or its id. */
function documentLookup(documents: readonly RagDocument[]): Map<string, RagDocument> {
  const byKey = new Map<string, RagDocument>();
  for (const d of documents) {
    byKey.set(d.name, d);
    byKey.set(path.parse(d.name).name, d);
    byKey.set(d.id, d);
  }
  return byKey;
}

interface Query {
  item: EvalItem;
  relevantIds: string[];
}

function scoreRow(s: ReturnType<typeof queryScores>): Record<string, number> {
  return { 'recall@1': s.recall[1], 'recall@5': s.recall[5], 'recall@10': s.recall[10], mrr: s.reciprocalRank, 'ndcg@10': s.ndcg10 };
}

/**
 * Each metric's mean over the queries with its 95% interval: Wilson's where the metric is 0/1 per query (isProportion:
 * recall@k when every query has one relevant document, `oneRelevant`), the bootstrap's otherwise — a bootstrap of
 * three hits read 1.0000 [1.0000–1.0000], as if three queries settled it.
 */
function aggregate(examples: readonly EvalExample[], oneRelevant: boolean): MetricValue[] {
  if (!examples.length) return [];
  const rows = examples.map((e) => RETRIEVAL_METRICS.map((m) => e.scores[m]));
  const intervals = bootstrapIntervals(rows, BOOTSTRAP);
  return RETRIEVAL_METRICS.map((name, c) => {
    const sum = rows.reduce((s, r) => s + r[c], 0);
    const ci95 = isProportion(name, oneRelevant) ? wilsonInterval(Math.round(sum), rows.length) : { low: intervals[c].low, high: intervals[c].high };
    return { name, value: sum / rows.length, ci95, higherIsBetter: true };
  });
}

export async function runRetrievalEvaluation(raw: RetrievalEvalInput, ctx: EvalContext): Promise<RetrievalEvalOutcome> {
  const input = parseInput(raw);
  const { store, dataDir } = ctx;
  const col = store.collections.find(input.collection, 'collection');
  const dataset = store.datasets.find(input.dataset, 'dataset');
  if (input.projectId !== null) store.projects.find(input.projectId);
  checkColumn(dataset, input.queryColumn, 'queryColumn', '--query-column');
  checkColumn(dataset, input.relevantColumn, 'relevantColumn', '--relevant-column');
  const modes: SearchMode[] = input.modes ?? (col.embedModel ? [...SEARCH_MODES] : ['bm25']);
  if (!col.embedModel && modes.some((m) => m !== 'bm25')) {
    throw new StudioError('invalid_params', `collection '${col.name}' has no embedding model, so only bm25 can be evaluated (asked: ${modes.join(', ')})`, { field: 'modes' });
  }
  const documents = store.collections.documents(col.id);
  if (!documents.length) throw new StudioError('invalid_params', `collection '${col.name}' has no documents; import some first (lathe docs add ${col.name} FOLDER)`, { field: 'collection' });

  const { items } = loadItems(dataDir, dataset, input.split, input.limit, input.queryColumn, [input.relevantColumn]);
  const lookup = documentLookup(documents);
  const queries: Query[] = items.map((item) => ({ item, relevantIds: [...new Set(item.references.map((r) => lookup.get(r.trim())?.id).filter((id): id is string => id !== undefined))] }));
  const unmatched = queries.filter((q) => !q.relevantIds.length);
  if (unmatched.length === queries.length) {
    const sample = unmatched.slice(0, 3).map((q) => `'${q.item.references[0]}'`).join(', ');
    const names = documents.slice(0, 3).map((d) => `'${d.name}'`).join(', ');
    throw new StudioError('invalid_params', `no row's '${input.relevantColumn}' names a document of collection '${col.name}' (e.g. ${sample}; its documents are named like ${names}); choose the column that holds the document's file name or id`, { field: 'relevantColumn' });
  }
  // recall@k is 0/1 per query when no query has more than one relevant document (one not found scores 0)
  const oneRelevant = queries.every((q) => q.relevantIds.length <= 1);
  if (unmatched.length) ctx.log?.('warn', `${unmatched.length} of ${plural(queries.length, 'query', 'queries')} name no document of '${col.name}' in '${input.relevantColumn}' (first: ${unmatched[0].item.id}, '${unmatched[0].item.references[0]}'); they score 0 in every mode`);

  const names = new Map(documents.map((d) => [d.id, d.name]));
  const index = new CollectionIndex(store, col, input.threads);
  const record = ctx.recordMetric ?? ((runId, step, name, value) => void store.runs.addMetric({ runId, step, name, value }));
  const embedName = col.embedModel ? path.basename(col.embedModel) : null;
  const total = queries.length * modes.length;
  const out: RetrievalEvalResult['runs'] = [];
  let status: RetrievalEvalOutcome['status'] = 'succeeded';
  try {
    for (const [m, mode] of modes.entries()) {
      const config = {
        retrieval: { collection: { id: col.id, name: col.name, embedModel: col.embedModel, chunkTokens: col.chunkTokens, overlapTokens: col.overlapTokens, documents: documents.length }, mode, depth: RETRIEVAL_DEPTH, oneRelevantPerQuery: oneRelevant },
        model: { name: mode === 'bm25' ? 'BM25' : `${embedName}${mode === 'hybrid' ? ' + BM25' : ''}` },
        dataset: { id: dataset.id, name: dataset.name, contentHash: dataset.contentHash, splitSeed: dataset.splitSeed },
        split: input.split,
        limit: input.limit,
        metrics: [...RETRIEVAL_METRICS],
        template: { label: `retrieval: ${mode}` },
        inputColumn: input.queryColumn,
        referenceColumns: [input.relevantColumn],
        bootstrap: BOOTSTRAP,
        codeVersion: codeVersion(),
      };
      let run = store.runs.create({ kind: 'evaluation', name: `${col.name} · ${dataset.name}/${input.split} · ${mode}`, projectId: input.projectId, config, owner: ctx.owner });
      run = store.runs.setStatus(run.id, 'running', ctx.owner ?? null)!;
      ctx.onRun?.(run);
      ctx.log?.('info', `${mode}: ${plural(queries.length, 'query', 'queries')} of ${dataset.name}/${input.split} against ${plural(documents.length, 'document')} of ${col.name}`);
      const examples: EvalExample[] = [];
      const t0 = performance.now();
      let failure: unknown;
      try {
        for (const [i, q] of queries.entries()) {
          if (ctx.signal?.aborted) break;
          const t = performance.now();
          const hits = await index.search(q.item.input, mode, RETRIEVAL_DEPTH);
          const latencyMs = performance.now() - t;
          const ranked = [...new Set(hits.map((h) => h.documentId))];
          const shown = ranked.slice(0, SHOWN).map((id, r) => `${r + 1}. ${names.get(id) ?? id}`).join('\n');
          examples.push({
            index: i, id: q.item.id, input: q.item.input, references: q.item.references, prediction: shown || '(nothing retrieved)',
            scores: scoreRow(queryScores(ranked, q.relevantIds)), promptTokens: 0, truncatedTokens: 0, generatedTokens: 0, latencyMs,
          });
          const done = m * queries.length + i + 1;
          ctx.onProgress?.({ done, total, fraction: done / total, message: `${mode}: ${i + 1}/${plural(queries.length, 'query', 'queries')}`, etaSeconds: null });
        }
      } catch (err) {
        failure = err;
      }
      const metrics = aggregate(examples, oneRelevant);
      const timing = timingOf(examples, (performance.now() - t0) / 1000, 0);
      await savePredictions(store, dataDir, run.id, examples);
      const rows: [string, number | null][] = [
        ...metrics.flatMap((v): [string, number][] => [[v.name, v.value], [intervalEndNames(v.name).low, v.ci95!.low], [intervalEndNames(v.name).high, v.ci95!.high]]),
        ['examples', examples.length], ['planned_examples', queries.length], ['total_seconds', timing.totalSeconds],
        ['latency_ms_mean', timing.latencyMsMean], ['latency_ms_p50', timing.latencyMsP50], ['latency_ms_p95', timing.latencyMsP95],
      ];
      for (const [name, value] of rows) if (value !== null && Number.isFinite(value)) record(run.id, examples.length, name, value);
      if (failure !== undefined) {
        store.runs.fail(run.id, failure);
        throw failure;
      }
      const cancelled = examples.length < queries.length;
      store.runs.setStatus(run.id, cancelled ? stoppedStatus(ctx.signal) : 'succeeded');
      out.push({ mode, runId: run.id, metrics: Object.fromEntries(metrics.map((v) => [v.name, v.value])) });
      if (cancelled) {
        status = 'cancelled';
        ctx.log?.('info', `cancelled during ${mode} after ${examples.length} of ${plural(queries.length, 'query', 'queries')}; partial results kept`);
        break;
      }
    }
  } finally {
    await index.release();
  }
  return { status, runs: out, queries: queries.length, unmatched: unmatched.length };
}
