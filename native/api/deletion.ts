// What deleting a dataset, a project or a document collection leaves behind, in the same words in the studio's
// confirmations and in the CLI's answer (the engine's rule is in native/studio/deletion.ts).
import { plural } from './format.ts';

/** "3 runs used this dataset; they stay, with their scores, and show it as deleted." */
export function datasetRunsNote(runs: number): string {
  if (runs === 0) return 'No run has used this dataset.';
  return runs === 1
    ? '1 run used this dataset; it stays, with its scores, and shows the dataset as deleted.'
    : `${plural(runs, 'run')} used this dataset; they stay, with their scores, and show the dataset as deleted.`;
}

/** "Its 2 datasets, 5 runs and 1 document collection stay, in no project: none of them is deleted." */
export function projectContentsNote(held: { datasets: number; runs: number; collections: number }): string {
  const parts = [
    held.datasets > 0 ? plural(held.datasets, 'dataset') : null,
    held.runs > 0 ? plural(held.runs, 'run') : null,
    held.collections > 0 ? plural(held.collections, 'document collection') : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return 'It holds no datasets, runs or document collections.';
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const one = parts.length === 1 && /^1 /.test(listed);
  return `Its ${listed} ${one ? 'stays' : 'stay'}, in no project: ${one ? 'it is not' : 'none of them is'} deleted.`;
}

/**
 * The document collections that embed with a model about to be deleted, said before it goes (empty when none): they
 * keep their documents and keyword search; dense and hybrid search refuse without the model (rag/collection.ts).
 */
export function modelCollectionsNote(collections: readonly string[]): string {
  if (collections.length === 0) return '';
  const names = collections.map((c) => `'${c}'`);
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const one = names.length === 1;
  return `${one ? 'Collection' : 'Collections'} ${listed} ${one ? 'embeds' : 'embed'} with it: ${one ? 'it keeps its' : 'they keep their'} documents and BM25 search; dense and hybrid search need the model.`;
}

/**
 * What deleting a document collection takes and what it leaves: "Its 3 documents, 40 chunks and their vectors are
 * deleted. The files on your disk are not touched. Evaluation runs that used it stay, with their scores."
 */
export function collectionContentsNote(collection: { documentCount: number; chunkCount: number }): string {
  return `Its ${plural(collection.documentCount, 'document')}, ${plural(collection.chunkCount, 'chunk')} and their vectors are deleted. The files on your disk are not touched. Evaluation runs that used it stay, with their scores.`;
}
