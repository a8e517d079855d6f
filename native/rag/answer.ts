// Answering with sources: the retrieved chunks numbered in a prompt with the question, an instruction to cite them
// by number and to say when they do not hold the answer; the model's answer; and the chunk numbers it cites.
import path from 'node:path';
import { StudioError } from '../api/errors.ts';
import type { AskResult, SearchHit } from '../api/rag.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import { formatValue, plural } from '../api/format.ts';

export const NOT_IN_DOCUMENTS = 'The answer is not in the documents.';

function where(hit: SearchHit): string {
  const parts = [path.basename(hit.source)];
  if (hit.page !== null) parts.push(`page ${hit.page}`);
  if (hit.section) parts.push(hit.section);
  return parts.join(', ');
}

/** The instruction, the numbered passages ([1] … with their source) and the question. */
export function ragPrompt(question: string, hits: readonly SearchHit[]): string {
  const passages = hits.map((h, i) => `[${i + 1}] (${where(h)})\n${h.text}`).join('\n\n');
  return [
    'Answer the question using only the numbered passages below.',
    'Cite every passage you use by its number in square brackets, like [1] or [2][3].',
    `If the passages do not contain the answer, reply exactly: "${NOT_IN_DOCUMENTS}"`,
    '',
    passages || '(no passages were found)',
    '',
    `Question: ${question}`,
  ].join('\n');
}

/** The passage numbers an answer cites ([2], [1][3], [1, 3]), each once, in order of first citation, within 1..n. */
export function citedPassages(answer: string, n: number): number[] {
  const out: number[] = [];
  for (const m of answer.matchAll(/\[(\d+(?:\s*,\s*\d+)*)\]/g)) {
    for (const part of m[1].split(',')) {
      const k = Number(part.trim());
      if (k >= 1 && k <= n && !out.includes(k)) out.push(k);
    }
  }
  return out;
}

/**
 * The prompt as the model reads it: through its chat template when it has one (as a user message, with the
 * assistant's turn opened), else the plain prompt followed by 'Answer:'.
 */
export function modelPrompt(generator: TextGenerator, prompt: string): string {
  const tok = generator.tokenizer;
  if (tok.chatTemplate) return tok.applyChatTemplate([{ role: 'user', content: prompt }], { addGenerationPrompt: true });
  return `${prompt}\nAnswer:`;
}

/** How a refusal names the model and the way to allow fewer answer tokens. */
export interface AnswerWords {
  modelName?: string;
  fewerTokens?: string;
}

/**
 * Generate a greedy answer from the retrieved chunks. The prompt and the answer must fit the model's context (past
 * it a model writes noise): the best-ranked passages that fit with room for `maxNewTokens` are kept, the rest left
 * out (the result's `hits` are the ones the model read); a question that fits with no passage is refused, in the
 * caller's `words`: the model's name, and how its user allows fewer answer tokens (a form field, a CLI flag).
 */
export async function answerFromHits(generator: TextGenerator, question: string, hits: SearchHit[], maxNewTokens: number, words: AnswerWords = {}): Promise<AskResult> {
  const { modelName = 'the model', fewerTokens = 'allow fewer answer tokens' } = words;
  const context = generator.model.spec.maxPositions;
  const build = (n: number) => {
    const prompt = modelPrompt(generator, ragPrompt(question, hits.slice(0, n)));
    return { n, prompt, ids: generator.tokenizer.encode(prompt, { addSpecialTokens: !generator.tokenizer.chatTemplate }) };
  };
  let fit = build(hits.length);
  while (fit.n > 0 && fit.ids.length + maxNewTokens > context) fit = build(fit.n - 1);
  if (fit.ids.length + maxNewTokens > context || (fit.n === 0 && hits.length > 0)) {
    const one = build(Math.min(1, hits.length));
    throw new StudioError('invalid_params', `${hits.length ? 'the question with its best passage' : 'the question'} is ${plural(one.ids.length, 'token')} and the answer may take ${formatValue(maxNewTokens)}, but ${modelName} reads at most ${formatValue(context)} in all: ${fewerTokens}, use a collection with smaller chunks, or a model with a longer context`, { field: 'maxNewTokens' });
  }
  const used = hits.slice(0, fit.n);
  const result = await generator.generateIds([fit.ids], { maxNewTokens, doSample: false });
  const answer = result.rows[0].text.trim();
  return { answer, prompt: fit.prompt, hits: used, cited: citedPassages(answer, used.length) };
}
