// What a deletion leaves behind, in the words the studio's confirmations and the CLI's answers share
// (native/api/deletion.ts): counts with the right number, and the collections a deleted model embeds.
import { describe, expect, it } from 'vitest';
import { datasetRunsNote, modelCollectionsNote, projectContentsNote } from '../../native/api/deletion.ts';

describe('deletion notes', () => {
  it('says how many runs used a dataset, in the singular or the plural', () => {
    expect(datasetRunsNote(0)).toBe('No run has used this dataset.');
    expect(datasetRunsNote(1)).toBe('1 run used this dataset; it stays, with its scores, and shows the dataset as deleted.');
    expect(datasetRunsNote(3)).toBe('3 runs used this dataset; they stay, with their scores, and show the dataset as deleted.');
  });

  it('lists what a project holds, and that it stays', () => {
    expect(projectContentsNote({ datasets: 0, runs: 0, collections: 0 })).toBe('It holds no datasets, runs or document collections.');
    expect(projectContentsNote({ datasets: 1, runs: 0, collections: 0 })).toBe('Its 1 dataset stays, in no project: it is not deleted.');
    expect(projectContentsNote({ datasets: 2, runs: 5, collections: 1 })).toBe('Its 2 datasets, 5 runs and 1 document collection stay, in no project: none of them is deleted.');
  });

  it('names the collections that embed with a model, or says nothing when none does', () => {
    expect(modelCollectionsNote([])).toBe('');
    expect(modelCollectionsNote(['faq'])).toBe("Collection 'faq' embeds with it: it keeps its documents and BM25 search; dense and hybrid search need the model.");
    expect(modelCollectionsNote(['a', 'b', 'c'])).toBe("Collections 'a', 'b' and 'c' embed with it: they keep their documents and BM25 search; dense and hybrid search need the model.");
  });
});
