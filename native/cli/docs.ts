// `lathe docs create|add|list|remove|delete|search|eval` and `lathe ask`: document collections for retrieval, in the foreground
// through the same engine the studio's 'docs-import' job runs (native/rag).
import fs from 'node:fs';
import path from 'node:path';
import { CollectionInput, RETRIEVAL_METRICS, SEARCH_MODES, type Collection, type DocsAddResult, type SearchHit, type SearchMode } from '../api/rag.ts';
import { formatValue, plural } from '../api/format.ts';
import { collectionContentsNote } from '../api/deletion.ts';
import { currentOwner } from '../store/process-owner.ts';
import { openStore, type Store } from '../store/db.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { didYouMean } from './suggest.ts';
import { choiceFlagError, numberFields, numberFlag, parseFlagInput, requireFlags, THREADS_RANGE } from './options.ts';
import { optionalProjectId, runProject } from './project-ref.ts';
import { asUserError } from './studio-call.ts';
import { formatFields, formatTable } from './table.ts';
import { cancelOnSignals } from './cancel.ts';
import { formatMetric } from './figures.ts';
import { noSuchPaths } from '../store/near-files.ts';

const CREATE_FLAGS = '[--embed-model M] [--tokenizer M] [--chunk-tokens N] [--overlap N] [--project P]';
const CREATE_USAGE = `lathe docs create NAME ${CREATE_FLAGS}`;
const ADD_USAGE = `lathe docs add COLLECTION PATH… ${CREATE_FLAGS} [--threads T]`;
const DELETE_USAGE = 'lathe docs delete COLLECTION [--json]';
const SEARCH_USAGE = 'lathe docs search COLLECTION "query" [--mode bm25|dense|hybrid] [--k K] [--threads T]';
const EVAL_USAGE = 'lathe docs eval COLLECTION --dataset D --query-column C --relevant-column C [--split S] [--limit N] [--modes bm25,dense,hybrid] [--project P] [--threads T]';
const ASK_USAGE = 'lathe ask --model M --collection C "question" [--mode bm25|dense|hybrid] [--k K] [--max-new-tokens N] [--threads T]';

const CREATE_OPTIONS = {
  'embed-model': { type: 'string' },
  tokenizer: { type: 'string' },
  'chunk-tokens': { type: 'string' },
  overlap: { type: 'string' },
  project: { type: 'string' },
} as const;
const CREATE_HELP = {
  'embed-model': 'embedding model: a Hugging Face folder or an imported model (BERT/MiniLM/BGE/E5, RoBERTa, XLM-R, nomic-embed; any decoder as a fallback). Default: none, BM25 only',
  tokenizer: 'model whose tokenizer measures chunk sizes (default: the embedding model\'s; without either, words)',
  'chunk-tokens': 'chunk size in tokens (default 256)',
  overlap: 'tokens each chunk repeats from the previous one (default 32)',
  project: 'project id or name the collection belongs to (default: none)',
};

async function withStore<T>(ctx: CliContext, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(ctx.dataDir);
  try {
    return await work(store);
  } catch (err) {
    throw asUserError(err);
  } finally {
    store.close();
  }
}

/** The field of CollectionInput each flag fills, so that a refusal names the flag. */
const COLLECTION_FIELD_OF_FLAG = { 'embed-model': 'embedModel', tokenizer: 'tokenizerModel', 'chunk-tokens': 'chunkTokens', overlap: 'overlapTokens', project: 'projectId' };

async function createFrom(store: Store, ctx: CliContext, name: string, values: Record<string, unknown>, usage: string): Promise<Collection> {
  const input = {
    name,
    projectId: (await optionalProjectId(ctx, values.project)) ?? null,
    embedModel: (values['embed-model'] as string | undefined) ?? null,
    tokenizerModel: (values.tokenizer as string | undefined) ?? null,
    ...numberFields(values, { 'chunk-tokens': 'chunkTokens', overlap: 'overlapTokens' }, usage, CollectionInput.shape),
  };
  parseFlagInput(CollectionInput, input, COLLECTION_FIELD_OF_FLAG, usage); // '--overlap: …', not zod's issue list as JSON
  const { createCollection } = await import('../rag/collection.ts');
  return createCollection(store, input);
}

/**
 * Why an import brought in nothing, when that is a failure: no file could be read (each named with its reason), or
 * none was found. Undefined when something came in, or when some file is in the collection already (a re-run of
 * the same import is not an error).
 */
function nothingImported(result: DocsAddResult, paths: readonly string[], alreadyInCollection: string): string | undefined {
  if (result.imported.length > 0 || result.skipped.some((s) => s.reason.startsWith(alreadyInCollection))) return undefined;
  if (!result.skipped.length) return `nothing was imported: no files in ${paths.join(', ')}.`;
  return [`nothing was imported: no file could be read as a document.`, ...result.skipped.map((s) => `  ${s.path}: ${s.reason}`)].join('\n');
}

/** --k: how many chunks; 0 or fewer would search for nothing and report no match. */
function chunkCount(values: Record<string, unknown>, usage: string, fallback: number): number {
  return numberFlag(values, 'k', usage, { min: 1 }) ?? fallback;
}

export function describeCollection(c: Collection): string {
  return formatFields([
    ['id', c.id],
    ['name', c.name],
    ['project', c.projectId ?? '—'],
    ['documents', `${formatValue(c.documentCount)} (${plural(c.chunkCount, 'chunk')})`],
    ['chunks', `${c.chunkTokens} tokens, overlap ${c.overlapTokens} (${c.tokenizerModel ? `tokenizer of ${c.tokenizerModel}` : 'counted in words'})`],
    ['embedding', c.embedModel ? `${c.embedModel} (${c.embedDim} dimensions)` : '— (BM25 only)'],
  ]);
}

function mode(values: Record<string, unknown>, usage: string, fallback: SearchMode): SearchMode {
  const m = (values.mode as string | undefined) ?? fallback;
  if (!(SEARCH_MODES as readonly string[]).includes(m)) throw choiceFlagError('mode', m, SEARCH_MODES, usage);
  return m as SearchMode;
}

/**
 * --mode for a search of `col`: hybrid when it has an embedding model, else BM25. Hybrid asked of a collection with
 * none is refused, as dense is: it would quietly be BM25 alone under another name.
 */
function searchMode(values: Record<string, unknown>, usage: string, col: { name: string; embedModel: string | null }): SearchMode {
  const m = mode(values, usage, col.embedModel ? 'hybrid' : 'bm25');
  if (m === 'hybrid' && !col.embedModel) throw new UserError(`collection '${col.name}' has no embedding model, so hybrid search would be BM25 alone; use --mode bm25, or add the documents to a collection made with --embed-model for dense and hybrid search`);
  return m;
}

function hitLine(h: SearchHit, label = String(h.rank)): string {
  const where = [path.basename(h.source), h.page !== null ? `page ${h.page}` : null, h.section].filter(Boolean).join(', ');
  return `[${label}] ${h.score.toFixed(4)}  ${where}  chars ${h.charStart}–${h.charEnd}\n    ${h.text.replace(/\s+/g, ' ').slice(0, 300)}`;
}

export const commands: CliCommand[] = [
  {
    path: ['docs', 'create'],
    modelFlags: ['embed-model', 'tokenizer'],
    summary: 'Create a document collection for retrieval (RAG)',
    usage: CREATE_USAGE,
    help: CREATE_HELP,
    positionals: true,
    options: CREATE_OPTIONS,
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give the collection's name.\nUsage: ${CREATE_USAGE}`);
      await withStore(ctx, async (store) => {
        const c = await createFrom(store, ctx, positionals[0], values, CREATE_USAGE);
        ctx.print(c, () => `Created collection ${c.id}\n${describeCollection(c)}`);
      });
    },
  },
  {
    path: ['docs', 'add'],
    modelFlags: ['embed-model', 'tokenizer'],
    summary: 'Import .txt, .md, .html, .pdf and .docx files (or folders of them; up to 256 MiB each) into a collection, creating it if needed',
    usage: ADD_USAGE,
    help: { ...CREATE_HELP, threads: 'CPU threads for the embedding model (default: all cores)' },
    positionals: true,
    options: { ...CREATE_OPTIONS, threads: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length < 2) throw new UserError(`give a collection and at least one file or folder.\nUsage: ${ADD_USAGE}`);
      const [name, ...paths] = positionals;
      // A path typed on the command line that is not there is a typo, refused before anything is created or read.
      const missing = paths.filter((p) => !fs.existsSync(p)).map((p) => path.resolve(p));
      if (missing.length) throw new UserError(`${noSuchPaths(missing, { noun: 'file or folder' })}\nNothing was imported.\nUsage: ${ADD_USAGE}`);
      const cancel = cancelOnSignals();
      try {
        await withStore(ctx, async (store) => {
          // found (not picked from the list) so that it is marked in use while documents go in (store/in-use.ts)
          const existing = store.collections.list().some((c) => c.name === name || c.id === name) ? store.collections.find(name) : undefined;
          const col = existing ?? (await createFrom(store, ctx, name, values, ADD_USAGE));
          const ignored = Object.keys(CREATE_OPTIONS).filter((f) => existing && values[f] !== undefined);
          if (ignored.length) ctx.warn(`collection ${col.name} exists already; ${ignored.map((f) => `--${f}`).join(', ')} ${ignored.length === 1 ? 'applies' : 'apply'} only when creating one, and ${ignored.length === 1 ? 'was' : 'were'} ignored`);
          const { ALREADY_IN_COLLECTION, addDocuments } = await import('../rag/collection.ts');
          let last = 0;
          let result: DocsAddResult;
          try {
            result = await addDocuments(store, col.id, paths, {
              signal: cancel.signal,
              intraOpNumThreads: numberFlag(values, 'threads', ADD_USAGE, THREADS_RANGE),
              onProgress: (p) => {
                if (ctx.json || (Date.now() - last < 1000 && p.fraction < 0.95)) return; // reading: once a second; writing and done: always
                last = Date.now();
                ctx.info(`importing: ${(p.fraction * 100).toFixed(0)}% — ${p.message}`);
              },
            });
            const why = nothingImported(result, paths, ALREADY_IN_COLLECTION);
            if (why) throw new UserError(`${why}\n${existing ? `Collection ${col.name} is unchanged.` : `Collection ${col.name} was not created.`}`);
          } catch (err) {
            // a collection this command created holds nothing: it goes, rather than stay behind empty
            if (!existing) store.collections.delete(col.id);
            throw err;
          }
          if (!existing) ctx.info(`created collection ${col.name} (${col.id})`);
          ctx.print(result, () => {
            const lines = [`Imported ${plural(result.imported.length, 'document')} into ${col.name}:`];
            for (const d of result.imported) lines.push(`  ${d.id}  ${d.name}  ${plural(d.chunkCount, 'chunk')}${d.pageCount !== null ? `, ${plural(d.pageCount, 'page')}` : ''}`);
            if (result.skipped.length) {
              lines.push(`Skipped ${result.skipped.length}:`);
              for (const s of result.skipped) lines.push(`  ${s.path}: ${s.reason}`);
            }
            return lines.join('\n');
          });
        });
      } catch (err) {
        if (cancel.signal.aborted) throw new UserError('import cancelled; the collection is unchanged.', cancel.exitCode);
        throw err;
      } finally {
        cancel.release();
      }
    },
  },
  {
    path: ['docs', 'list'],
    summary: 'List collections, or the documents of one',
    usage: 'lathe docs list [COLLECTION]',
    positionals: true,
    async run({ positionals }, ctx) {
      await withStore(ctx, async (store) => {
        if (!positionals.length) {
          const cols = store.collections.list();
          ctx.print(cols, () => formatTable(['ID', 'NAME', 'DOCUMENTS', 'CHUNKS', 'EMBEDDING'], cols.map((c) => [c.id, c.name, formatValue(c.documentCount), formatValue(c.chunkCount), c.embedModel ? (c.embedModelId && store.models.get(c.embedModelId)?.name) || path.basename(c.embedModel) : 'BM25 only']), 48,
            "no collections yet: add documents with 'lathe docs add COLLECTION PATH…' (it creates the collection)"));
          return;
        }
        const col = store.collections.find(positionals[0]);
        const docs = store.collections.documents(col.id);
        ctx.print({ collection: col, documents: docs }, () => [describeCollection(col), '', formatTable(['ID', 'NAME', 'FORMAT', 'CHUNKS', 'PAGES', 'SOURCE'], docs.map((d) => [d.id, d.name, d.format, formatValue(d.chunkCount), d.pageCount === null ? '' : formatValue(d.pageCount), d.sourcePath]), 48,
          `no documents yet: add some with 'lathe docs add ${col.name} PATH…'`)].join('\n'));
      });
    },
  },
  {
    path: ['docs', 'remove'],
    summary: 'Remove a document from a collection (its chunks and vectors go with it; the rest stay as they are)',
    usage: 'lathe docs remove COLLECTION DOCUMENT',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 2) throw new UserError('give a collection and a document (id or file name).\nUsage: lathe docs remove COLLECTION DOCUMENT');
      await withStore(ctx, async (store) => {
        const col = store.collections.find(positionals[0]);
        const doc = store.collections.findDocument(col.id, positionals[1]);
        store.collections.removeDocument(doc.id);
        ctx.print({ deleted: true, document: doc }, () => `Removed ${doc.name} (${plural(doc.chunkCount, 'chunk')}) from ${col.name}`);
      });
    },
  },
  {
    path: ['docs', 'delete'],
    summary: 'Delete a collection: its documents, chunks and vectors (the files on disk and the evaluation runs that used it stay); refused while a job or another lathe command uses it',
    usage: DELETE_USAGE,
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give one collection (its name or id).\nUsage: ${DELETE_USAGE}`);
      await withStore(ctx, async (store) => {
        const col = store.collections.find(positionals[0]);
        const { deleteCollection } = await import('../studio/deletion.ts'); // the studio's collections.delete
        const result = await deleteCollection(store, col);
        ctx.print({ ...result, collection: col }, () => `Deleted collection ${col.name} (${col.id}). ${collectionContentsNote(col)}`);
      });
    },
  },
  {
    path: ['docs', 'search'],
    marksInUse: true,
    summary: 'Search a collection: BM25, dense vectors, or both fused (hybrid)',
    usage: SEARCH_USAGE,
    help: { mode: 'bm25, dense or hybrid (default: hybrid when the collection has an embedding model, else bm25)', k: 'how many chunks (default 5)', threads: 'CPU threads (default: all cores)' },
    positionals: true,
    options: { mode: { type: 'string' }, k: { type: 'string' }, threads: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 2) throw new UserError(`give a collection and a query.\nUsage: ${SEARCH_USAGE}`);
      const k = chunkCount(values, SEARCH_USAGE, 5);
      await withStore(ctx, async (store) => {
        const col = store.collections.find(positionals[0]);
        const m = searchMode(values, SEARCH_USAGE, col);
        const { searchCollection } = await import('../rag/search.ts');
        const hits = await searchCollection(store, col.id, positionals[1], m, k, numberFlag(values, 'threads', SEARCH_USAGE, THREADS_RANGE));
        ctx.print(hits, () => (hits.length ? hits.map((h) => hitLine(h)).join('\n') : `no chunk of ${col.name} matches (${m})`));
      });
    },
  },
  {
    path: ['docs', 'eval'],
    marksInUse: true,
    summary: 'Retrieval quality on a dataset of queries with known documents: recall@1/5/10, MRR, nDCG@10, one evaluation run per search mode',
    usage: EVAL_USAGE,
    help: {
      dataset: 'dataset (id or name) whose rows hold a query and its relevant document',
      'query-column': 'column holding the query',
      'relevant-column': 'column holding the relevant document: its file name (with or without the extension) or id, or a list of them',
      split: 'split to evaluate: train, validation, test or all (default test)',
      limit: 'evaluate the first N rows of the split (default: all)',
      modes: 'comma-separated modes to compare (default: bm25, plus dense and hybrid with an embedding model)',
      project: 'project id or name the runs belong to (default: the project of the collection and --dataset, when they have one)',
      threads: 'CPU threads (default: all cores)',
    },
    positionals: true,
    options: { dataset: { type: 'string' }, 'query-column': { type: 'string' }, 'relevant-column': { type: 'string' }, split: { type: 'string' }, limit: { type: 'string' }, modes: { type: 'string' }, project: { type: 'string' }, threads: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1 || !values.dataset || !values['query-column'] || !values['relevant-column']) throw new UserError(`give a collection, --dataset, --query-column and --relevant-column.\nUsage: ${EVAL_USAGE}`);
      const split = (values.split as string | undefined) ?? 'test';
      if (!['train', 'validation', 'test', 'all'].includes(split)) throw new UserError(`--split must be train, validation, test or all; got '${split}'.${didYouMean(split, ['train', 'validation', 'test', 'all'])}\nUsage: ${EVAL_USAGE}`);
      const cancel = cancelOnSignals('stopping after the current query; the runs so far are kept…');
      try {
        await withStore(ctx, async (store) => {
          const modes = (values.modes as string | undefined)?.split(',').map((m) => mode({ mode: m.trim() }, EVAL_USAGE, 'bm25'));
          const { runRetrievalEvaluation } = await import('../eval/retrieval-run.ts');
          let last = 0;
          const limit = numberFlag(values, 'limit', EVAL_USAGE, { min: 1 }) ?? null;
          const threads = numberFlag(values, 'threads', EVAL_USAGE, THREADS_RANGE);
          const project = await runProject(ctx, values.project, { datasets: [values.dataset], collection: positionals[0] }, true);
          const outcome = await runRetrievalEvaluation({
            collection: positionals[0],
            dataset: values.dataset as string,
            queryColumn: values['query-column'] as string,
            relevantColumn: values['relevant-column'] as string,
            split: split as 'test',
            limit,
            modes,
            projectId: project.id ?? null,
            threads,
          }, {
            store,
            dataDir: ctx.dataDir,
            signal: cancel.signal,
            owner: currentOwner(), // no job owns a foreground evaluation: if this process dies, the next store open ends its run
            log: ctx.log,
            onRun: project.announce, // once a run exists: a collection or dataset refused before it claims no runs
            onProgress: (p) => {
              if (ctx.json || (Date.now() - last < 1000 && p.done < p.total)) return;
              last = Date.now();
              ctx.info(`evaluating: ${(p.fraction * 100).toFixed(0)}% — ${p.message}`);
            },
          });
          ctx.print(outcome, () => [
            formatTable(['MODE', 'RUN', 'RECALL@1', 'RECALL@5', 'RECALL@10', 'MRR', 'NDCG@10'], outcome.runs.map((r) => [r.mode, r.runId, ...RETRIEVAL_METRICS.map((m) => (r.metrics[m] === undefined ? '—' : formatMetric(r.metrics[m])))])),
            `${plural(outcome.queries, 'query', 'queries')}${outcome.unmatched ? ` (${outcome.unmatched} naming no document of the collection)` : ''}; compare the runs with 'lathe runs compare ${outcome.runs.map((r) => r.runId).join(' ')}' or on the Compare page`,
          ].join('\n'));
          if (outcome.status === 'cancelled') throw new UserError('evaluation cancelled; the runs so far are kept (the last one partial).', cancel.exitCode);
        });
      } finally {
        cancel.release();
      }
    },
  },
  {
    path: ['ask'],
    modelFlags: ['model'],
    summary: 'Answer a question from a collection with a model, citing the chunks it used',
    usage: ASK_USAGE,
    help: {
      model: 'the model that answers (id or name)',
      collection: 'the collection to retrieve from',
      mode: 'retrieval: bm25, dense or hybrid (default: hybrid with an embedding model, else bm25)',
      k: 'chunks put in the prompt (default 4)',
      'max-new-tokens': 'longest answer in tokens (default 256)',
      threads: 'CPU threads (default: all cores)',
    },
    positionals: true,
    options: { model: { type: 'string' }, collection: { type: 'string' }, mode: { type: 'string' }, k: { type: 'string' }, 'max-new-tokens': { type: 'string' }, threads: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      requireFlags(values, ['model', 'collection'], ASK_USAGE, { argument: { given: positionals.length === 1, needs: 'one question (quoted)' } });
      const threads = numberFlag(values, 'threads', ASK_USAGE, THREADS_RANGE);
      const k = chunkCount(values, ASK_USAGE, 4);
      await withStore(ctx, async (store) => {
        const col = store.collections.find(values.collection as string, 'collection');
        const model = store.models.findDecoder(values.model as string, 'answer questions (give it to the collection as --embed-model instead)', 'model');
        const m = searchMode(values, ASK_USAGE, col);
        const [{ searchCollection }, { TextGenerator }, { answerFromHits }] = await Promise.all([import('../rag/search.ts'), import('../generate/pipeline.ts'), import('../rag/answer.ts')]);
        const hits = await searchCollection(store, col.id, positionals[0], m, k, threads);
        const generator = await TextGenerator.load(model.path, { intraOpNumThreads: threads });
        try {
          const result = await answerFromHits(generator, positionals[0], hits, numberFlag(values, 'max-new-tokens', ASK_USAGE, { min: 1 }) ?? 256, { modelName: model.name, fewerTokens: 'lower --max-new-tokens' });
          if (result.hits.length < hits.length) ctx.info(`${result.hits.length} of ${plural(hits.length, 'retrieved chunk')} fit ${model.name}'s ${generator.model.spec.maxPositions}-token context with the answer; it read those`);
          ctx.print(result, () => {
            if (!result.cited.length) return `${result.answer}\n\nThe answer cites no chunk. It read:\n${result.hits.map((h, i) => hitLine(h, String(i + 1))).join('\n')}`;
            return `${result.answer}\n\nCited chunks:\n${result.cited.map((n) => hitLine(result.hits[n - 1], String(n))).join('\n')}`;
          });
        } finally {
          await generator.model.release();
        }
      });
    },
  },
];
