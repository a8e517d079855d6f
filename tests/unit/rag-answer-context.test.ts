// `lathe ask` and the playground's collection answers: the prompt with its passages and the answer must fit the
// model's context. Once four 256-token chunks went to the 512-token stories260K as a 1,500-token prompt, and it
// answered with noise from positions it never saw.
import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../native/api/rag.ts';
import type { TextGenerator } from '../../native/generate/pipeline.ts';
import { answerFromHits, modelPrompt, ragPrompt } from '../../native/rag/answer.ts';

const hit = (text: string, rank: number): SearchHit => ({ id: rank, documentId: 'doc_x', seq: 0, text, page: null, section: null, charStart: 0, charEnd: text.length, tokenCount: 3, source: `/d/${rank}.md`, score: 1, rank });

/** A stand-in generator: one token per character, a context of `context`, and the ids it was asked to continue. */
function generator(context: number) {
  const asked: number[][] = [];
  const gen = {
    model: { spec: { maxPositions: context } },
    tokenizer: { chatTemplate: null, encode: (s: string) => Array.from(s, (c) => c.charCodeAt(0)) },
    generateIds: async (ids: number[][]) => {
      asked.push(...ids);
      return { rows: [{ text: 'Hourly [1].' }] };
    },
  };
  return { gen: gen as unknown as TextGenerator, asked };
}

describe('an answer from retrieved chunks, in the model’s context', () => {
  const question = 'When does the ferry run?';
  const hits = [hit('The ferry runs hourly.', 1), hit('x'.repeat(100), 2), hit('y'.repeat(100), 3)];
  const length = (n: number) => modelPrompt(generator(0).gen, ragPrompt(question, hits.slice(0, n))).length;

  it('keeps every passage when all fit with room for the answer', async () => {
    const { gen, asked } = generator(length(3) + 10);
    const r = await answerFromHits(gen, question, hits, 10, { modelName: 'tiny' });
    expect(r.hits).toHaveLength(3);
    expect(asked[0]).toHaveLength(length(3));
  });

  it('keeps the best-ranked passages that fit, and says which it read', async () => {
    const { gen, asked } = generator(length(2) + 10);
    const r = await answerFromHits(gen, question, hits, 10, { modelName: 'tiny' });
    expect(r.hits.map((h) => h.rank)).toEqual([1, 2]);
    expect(r.prompt).not.toContain('y'.repeat(100));
    expect(asked[0].length + 10).toBeLessThanOrEqual(length(2) + 10);
    expect(r.cited).toEqual([1]);
  });

  it('refuses when not even the best passage fits with the answer, naming the sizes and what to change', async () => {
    const { gen, asked } = generator(length(1) + 9);
    await expect(answerFromHits(gen, question, hits, 10, { modelName: 'tiny' })).rejects.toThrow(
      `the question with its best passage is ${length(1)} tokens and the answer may take 10, but tiny reads at most ${length(1) + 9} in all: allow fewer answer tokens, use a collection with smaller chunks, or a model with a longer context`);
    expect(asked).toEqual([]);
  });
});
