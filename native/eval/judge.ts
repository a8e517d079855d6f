// LLM-as-judge, the pure part: the rubrics and prompts, which token stands for each allowed answer, the answer
// distribution read from one row of next-token logits, and how verdicts become scores. Nothing here parses the
// judge's free text: a score is read from the probabilities the judge gives "1".."5" (or "A"/"B") right after the
// prompt, so a model too small to follow an output format still gives a usable, graded answer.
//
// Pairwise judging asks twice, the evaluated response first shown as A and then as B, and averages the
// probability that it wins. Swapping the two responses therefore gives exactly 1 − that probability
// (judge(x, y) + judge(y, x) = 1 for any judge, however position-biased): symmetric by construction.
import { JUDGE_PAIR_LABELS, JUDGE_SCORE_LABELS, type JUDGE_RUBRICS, type JudgeRecord, type JudgeVerdict } from '../api/eval.ts';

export type JudgeRubric = (typeof JUDGE_RUBRICS)[number];
export type JudgeMode = 'pointwise' | 'pairwise';

export const RUBRIC_TEXT: Record<JudgeRubric, string> = {
  helpfulness: 'You are a strict judge of helpfulness. A helpful response does what the input asks, correctly and completely, with nothing irrelevant or made up.',
  faithfulness: 'You are a strict judge of faithfulness. A faithful response states only what the input supports: no invented facts, names or numbers, and nothing that contradicts the input.',
  summary: 'You are a strict judge of summaries. A good summary states the main points of the input accurately, briefly and without details the input does not contain.',
};

export const SCORE_PREFIX = 'Score:';
export const PAIR_PREFIX = 'Better response:';

/** Prompt text with the input and responses left as slots, so they can be shortened to fit the judge's context. */
export interface JudgeQuestion {
  /** The whole prompt for a given (possibly shortened) input, each response cut to `responseChars`, ending with the answer prefix. */
  render(input: string, responseChars?: number): string;
  labels: readonly string[];
  /** The responses as given (what `responseChars` cuts). */
  responses: readonly string[];
}

/** The first `chars` characters of a text, marked with "…" when cut. */
export function cut(text: string, chars = Infinity): string {
  return text.length <= chars ? text : `${text.slice(0, chars)} …`;
}

export function rubricOf(rubric: JudgeRubric, rubricText?: string): string {
  return rubricText?.trim() || RUBRIC_TEXT[rubric];
}

export function pointwiseQuestion(rubric: string, response: string): JudgeQuestion {
  return {
    labels: JUDGE_SCORE_LABELS,
    responses: [response],
    render: (input, chars) => `${rubric}\n\nInput:\n${input}\n\nResponse:\n${cut(response, chars)}\n\nRate the response from 1 (worst) to 5 (best). Answer with one digit.\n${SCORE_PREFIX}`,
  };
}

export function pairwiseQuestion(rubric: string, a: string, b: string): JudgeQuestion {
  return {
    labels: JUDGE_PAIR_LABELS,
    responses: [a, b],
    render: (input, chars) => `${rubric}\n\nInput:\n${input}\n\nResponse A:\n${cut(a, chars)}\n\nResponse B:\n${cut(b, chars)}\n\nWhich response is better? Answer A or B.\n${PAIR_PREFIX}`,
  };
}

/**
 * The token that starts each answer after the prompt. Each label is encoded as the prompt's continuation
 * (prompt + " " + label); the tokens all encodings share are the context, and the next token of each must
 * differ, or the judge's tokenizer cannot tell the answers apart.
 */
export function answerTokens(encoded: readonly (readonly number[])[], labels: readonly string[]): { prefix: number[]; tokenIds: number[] } {
  let shared = Math.min(...encoded.map((e) => e.length));
  for (const e of encoded.slice(1)) {
    let k = 0;
    while (k < shared && e[k] === encoded[0][k]) k++;
    shared = k;
  }
  const tokenIds = encoded.map((e) => e[shared]);
  if (shared === 0 || tokenIds.some((t) => t === undefined) || new Set(tokenIds).size !== labels.length) {
    throw new RangeError(`the judge's tokenizer does not start the answers ${labels.map((l) => `"${l}"`).join(', ')} with distinct tokens after the prompt; choose another judge model`);
  }
  return { prefix: encoded[0].slice(0, shared), tokenIds };
}

/** log p of each allowed token over the whole vocabulary, and p renormalised over the allowed tokens. */
export function answerDistribution(logits: ArrayLike<number>, tokenIds: readonly number[]): { logprobs: number[]; probs: number[] } {
  let max = -Infinity;
  for (let v = 0; v < logits.length; v++) if (logits[v] > max) max = logits[v];
  let sum = 0;
  for (let v = 0; v < logits.length; v++) sum += Math.exp(logits[v] - max);
  const logZ = max + Math.log(sum);
  const logprobs = tokenIds.map((t) => logits[t] - logZ);
  const top = Math.max(...logprobs);
  const weights = logprobs.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const probs = weights.map((w) => w / total);
  // Two answers: B is 1 − A exactly, so swapping the order of a pairwise question mirrors the result exactly.
  if (probs.length === 2) probs[1] = 1 - probs[0];
  return { logprobs, probs };
}

/** Expected score Σ k·p(k) over 1..5 and the most probable score (the lower one on a tie). */
export function pointwiseScore(probs: readonly number[]): { expected: number; argmax: number } {
  let argmax = 0;
  probs.forEach((p, i) => {
    if (p > probs[argmax]) argmax = i;
  });
  return { expected: probs.reduce((s, p, i) => s + p * (i + 1), 0), argmax: argmax + 1 };
}

/**
 * Probability that the evaluated response wins: the mean of p(A) when it was shown as A and p(B) when it was
 * shown as B. `first` must be the verdict with the response as A, `second` with the response as B.
 */
export function pairwiseWin(first: Pick<JudgeVerdict, 'probs'>, second: Pick<JudgeVerdict, 'probs'>): number {
  return (first.probs[0] + (1 - second.probs[0])) / 2;
}

/** A judge as a function of a prompt's answers: a prompt in, the answers' distribution out. */
export type AskJudge = (question: JudgeQuestion, input: string) => Promise<Omit<JudgeVerdict, 'responseAs'> & { truncatedChars: number }>;

/** Pointwise record of one response. */
export async function judgePointwise(ask: AskJudge, rubric: string, input: string, response: string): Promise<JudgeRecord> {
  const v = await ask(pointwiseQuestion(rubric, response), input);
  const { truncatedChars, ...verdict } = v;
  return { mode: 'pointwise', verdicts: [verdict], ...pointwiseScore(verdict.probs), truncatedChars };
}

/** Pairwise record of a response against another, asked in both orders. */
export async function judgePairwise(ask: AskJudge, rubric: string, input: string, response: string, other: string): Promise<JudgeRecord> {
  const first = await ask(pairwiseQuestion(rubric, response, other), input);
  const second = await ask(pairwiseQuestion(rubric, other, response), input);
  const strip = (v: typeof first, responseAs: 'A' | 'B'): JudgeVerdict => ({ prompt: v.prompt, labels: v.labels, tokenIds: v.tokenIds, logprobs: v.logprobs, probs: v.probs, responseAs });
  return {
    mode: 'pairwise',
    verdicts: [strip(first, 'A'), strip(second, 'B')],
    winProbability: pairwiseWin(first, second),
    truncatedChars: Math.max(first.truncatedChars, second.truncatedChars),
  };
}

/** The example's judge scores: judge ∈ [0, 1] (pointwise (E − 1) / 4, pairwise the win probability), and agreement. */
export function judgeScores(record: JudgeRecord): Record<string, number> {
  if (record.mode === 'pairwise') return { judge: record.winProbability! };
  const scores: Record<string, number> = { judge: (record.expected! - 1) / 4 };
  if (record.label !== undefined) scores.judge_agreement = record.argmax === record.label ? 1 : 0;
  return scores;
}

/**
 * Fit a prompt into `budget` tokens: first shorten the input (keeping its start, marked "…"); if the prompt is still
 * too long with no input left, cut the responses too, all to the same length. The rubric and the question are never
 * cut. Returns the prompt and how many characters were cut in all.
 */
export function fitQuestion(question: JudgeQuestion, input: string, count: (text: string) => number, budget: number): { prompt: string; truncatedChars: number } {
  let prompt = question.render(input);
  let tokens = count(prompt);
  if (tokens <= budget) return { prompt, truncatedChars: 0 };
  // Shrink one slot by the share of tokens over budget, a little more each time, until the prompt fits.
  const shrink = (length: number, render: (keep: number) => string): { prompt: string; keep: number } | null => {
    let keep = length;
    for (let attempt = 0; attempt < 32 && keep > 0; attempt++) {
      keep = Math.max(0, Math.min(keep - 1, Math.floor(keep * (budget / tokens) * 0.95)));
      prompt = render(keep);
      tokens = count(prompt);
      if (tokens <= budget) return { prompt, keep };
    }
    return null;
  };
  const byInput = shrink(input.length, (keep) => question.render(cut(input, keep)));
  if (byInput) return { prompt: byInput.prompt, truncatedChars: input.length - byInput.keep };
  const longest = Math.max(...question.responses.map((r) => r.length));
  const byResponses = shrink(longest, (keep) => question.render(cut(input, 0), keep));
  if (byResponses) {
    const responsesCut = question.responses.reduce((n, r) => n + Math.max(0, r.length - byResponses.keep), 0);
    return { prompt: byResponses.prompt, truncatedChars: input.length + responsesCut };
  }
  throw new RangeError(`the judge prompt needs ${tokens} tokens even with the input and responses cut away, more than the judge's ${budget}-token context; choose a judge with a longer context or a shorter rubric`);
}
