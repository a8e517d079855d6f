// Answering with sources: the retrieved chunks numbered in a prompt with the question, an instruction to cite them
// by number and to say when they do not hold the answer; the model's answer; and the chunk numbers it cites.
import path from 'node:path';
import type { AskResult, SearchHit } from '../api/rag.ts';
import type { TextGenerator } from '../generate/pipeline.ts';

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

/** Generate a greedy answer from the retrieved chunks. */
export async function answerFromHits(generator: TextGenerator, question: string, hits: SearchHit[], maxNewTokens: number): Promise<AskResult> {
  const prompt = modelPrompt(generator, ragPrompt(question, hits));
  const ids = generator.tokenizer.encode(prompt, { addSpecialTokens: !generator.tokenizer.chatTemplate });
  const result = await generator.generateIds([ids], { maxNewTokens, doSample: false });
  const answer = result.rows[0].text.trim();
  return { answer, prompt, hits, cited: citedPassages(answer, hits.length) };
}
