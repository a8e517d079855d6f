// LLM-as-judge: pairwise results are symmetric under swapping the two responses by construction (whatever the
// judge's position bias), the answer tokens are found from the tokenizer, a prompt too long for the judge is
// fitted by cutting the input (then the responses), and a pointwise score on a tiny random Llama equals a hand computation from the
// model's raw logits (log-softmax over the vocabulary, renormalised over "1".."5", expectation and argmax).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JudgeVerdict } from '../../native/api/eval.ts';
import {
  answerDistribution, answerTokens, fitQuestion, judgePairwise, judgePointwise, judgeScores, pairwiseQuestion, pointwiseQuestion, pointwiseScore, RUBRIC_TEXT,
  type AskJudge,
} from '../../native/eval/judge.ts';
import { createAsk } from '../../native/eval/runner-judge.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { judgeVocab, writeJudgeFixture } from '../fixtures/models/judge-fixture.ts';
import { charTokenizer } from '../fixtures/models/random-checkpoint.ts';

/** A deterministic fake judge whose preference depends on the whole prompt, so it is strongly position-biased. */
function biasedJudge(favourA: number): AskJudge {
  return async (question, input) => {
    const prompt = question.render(input);
    let h = 7;
    for (const c of prompt) h = (h * 31 + c.charCodeAt(0)) % 1_000_003;
    const logits = question.labels.map((_, i) => (i === 0 ? favourA : 0) + ((h >> (3 * i)) % 97) / 23);
    const tokenIds = question.labels.map((_, i) => i);
    const { logprobs, probs } = answerDistribution(logits, tokenIds);
    return { prompt, labels: [...question.labels], tokenIds, logprobs, probs, truncatedChars: 0 };
  };
}

describe('pairwise judging', () => {
  const cases: [string, string, string][] = [
    ['Summarize: the cat sat.', 'A cat sat.', 'The dog ran away quickly.'],
    ['What is 2+2?', '4', 'five, probably'],
    ['', 'same', 'same'],
  ];

  it('is symmetric under swapping the two responses, for any position bias', async () => {
    for (const favourA of [0, 3, -5]) {
      const ask = biasedJudge(favourA);
      for (const [input, x, y] of cases) {
        const xy = await judgePairwise(ask, RUBRIC_TEXT.helpfulness, input, x, y);
        const yx = await judgePairwise(ask, RUBRIC_TEXT.helpfulness, input, y, x);
        expect(xy.winProbability! + yx.winProbability!).toBeCloseTo(1, 14);
        expect(xy.verdicts.map((v) => v.responseAs)).toEqual(['A', 'B']);
        // the same two prompts were asked, in the other order
        expect(yx.verdicts.map((v) => v.prompt)).toEqual([xy.verdicts[1].prompt, xy.verdicts[0].prompt]);
      }
    }
  });

  it('cancels a judge that always answers A: both sides get 0.5', async () => {
    const alwaysA: AskJudge = async (question, input) => ({ prompt: question.render(input), labels: [...question.labels], tokenIds: [0, 1], logprobs: [0, -50], probs: [1, 0], truncatedChars: 0 });
    const r = await judgePairwise(alwaysA, 'rubric', 'in', 'x', 'y');
    expect(r.winProbability).toBe(0.5);
    expect(judgeScores(r)).toEqual({ judge: 0.5 });
  });

  it('counts the response as A in the first order and as B in the second', async () => {
    // p(A) = 0.9 when the response is shown first, p(A) = 0.3 (so p(B) = 0.7) when it is shown second
    let call = 0;
    const ask: AskJudge = async (question, input) => {
      const pA = call++ === 0 ? 0.9 : 0.3;
      return { prompt: question.render(input), labels: [...question.labels], tokenIds: [0, 1], logprobs: [Math.log(pA), Math.log(1 - pA)], probs: [pA, 1 - pA], truncatedChars: 0 };
    };
    const r = await judgePairwise(ask, 'rubric', 'in', 'mine', 'theirs');
    expect(r.winProbability).toBeCloseTo((0.9 + 0.7) / 2, 15);
    expect(r.verdicts[0].prompt).toMatch(/Response A:\nmine\n\nResponse B:\ntheirs/);
    expect(r.verdicts[1].prompt).toMatch(/Response A:\ntheirs\n\nResponse B:\nmine/);
  });
});

describe('reading answers from probabilities', () => {
  it('renormalises over the allowed tokens and keeps full-vocabulary log-probs', () => {
    const logits = [2, 0, 1, -1, 3];
    const { logprobs, probs } = answerDistribution(logits, [0, 2]);
    const logZ = Math.log(logits.reduce((s, l) => s + Math.exp(l), 0));
    expect(logprobs[0]).toBeCloseTo(2 - logZ, 12);
    expect(logprobs[1]).toBeCloseTo(1 - logZ, 12);
    expect(probs[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1)), 12);
    expect(probs[0] + probs[1]).toBe(1);
  });

  it('gives the expected score and the most probable one', () => {
    expect(pointwiseScore([0, 0, 0, 0, 1])).toEqual({ expected: 5, argmax: 5 });
    const s = pointwiseScore([0.1, 0.2, 0.4, 0.2, 0.1]);
    expect(s.expected).toBeCloseTo(3, 12);
    expect(s.argmax).toBe(3);
    expect(pointwiseScore([0.5, 0, 0, 0, 0.5]).argmax).toBe(1); // a tie goes to the lower score
  });

  it('finds each answer token after the shared prefix, and refuses answers a tokenizer cannot tell apart', () => {
    expect(answerTokens([[1, 2, 9, 10], [1, 2, 9, 11], [1, 2, 9, 12]], ['1', '2', '3'])).toEqual({ prefix: [1, 2, 9], tokenIds: [10, 11, 12] });
    expect(() => answerTokens([[1, 2, 0], [1, 2, 0]], ['A', 'B'])).toThrow(/does not start the answers "A", "B" with distinct tokens/);
  });

  it('reports agreement with a reference label from the argmax', async () => {
    const ask: AskJudge = async (question, input) => ({ prompt: question.render(input), labels: [...question.labels], tokenIds: [1, 2, 3, 4, 5], logprobs: [0, 0, 0, 0, 0], probs: [0.1, 0.1, 0.1, 0.6, 0.1], truncatedChars: 0 });
    const r = await judgePointwise(ask, 'rubric', 'in', 'out');
    expect(judgeScores({ ...r, label: 4 })).toEqual({ judge: (r.expected! - 1) / 4, judge_agreement: 1 });
    expect(judgeScores({ ...r, label: 2 }).judge_agreement).toBe(0);
    expect(judgeScores(r)).not.toHaveProperty('judge_agreement');
  });

  it('cuts the input first, then the responses to one length, never the rubric or the question', () => {
    const q = pairwiseQuestion('Judge.', 'first answer', 'second answer');
    const long = 'word '.repeat(200);
    const fitted = fitQuestion(q, long, (t) => t.length, 300);
    expect(fitted.prompt.length).toBeLessThanOrEqual(300);
    expect(fitted.truncatedChars).toBeGreaterThan(0);
    expect(fitted.prompt).toContain('Response A:\nfirst answer');
    expect(fitted.prompt).toContain(' …');
    expect(fitQuestion(q, 'short', (t) => t.length, 300)).toEqual({ prompt: q.render('short'), truncatedChars: 0 });
    expect(() => fitQuestion(pointwiseQuestion('x'.repeat(400), 'r'), 'in', (t) => t.length, 300)).toThrow(/even with the input and responses cut away, more than the judge's 300-token context/);
    // responses too long for the context even without the input: both cut to the same length
    const wordy = pairwiseQuestion('Judge.', 'a'.repeat(200), 'b'.repeat(120));
    const both = fitQuestion(wordy, 'the input', (t) => t.length, 300);
    expect(both.prompt.length).toBeLessThanOrEqual(300);
    const [a, b] = [/Response A:\n(a*) …/.exec(both.prompt)![1].length, /Response B:\n(b*)/.exec(both.prompt)![1].length];
    expect(a).toBe(b);
    expect(both.truncatedChars).toBe('the input'.length + (200 - a) + (120 - b));
  });
});

describe('a judge with a chat template', () => {
  it('asks as the user and reads the answer after the template\'s assistant turn and the answer prefix', async () => {
    const { tokenizer: json, tokenizerConfig } = charTokenizer(66);
    const vocab = { ...(json.model as { vocab: Record<string, number> }).vocab, '\n': 66, '<': 67, '>': 68, '|': 69, '(': 70, ')': 71 };
    const template = "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}";
    const tokenizer = TextTokenizer.fromJson({ ...json, model: { ...(json.model as object), vocab } }, tokenizerConfig, template);
    const seen: number[][] = [];
    const V = 72;
    const model = {
      vocabSize: V,
      emptyCache: () => null as never,
      async forward(ids: number[][]) {
        seen.push(ids[0]);
        const logits = new Float32Array(ids[0].length * V); // uniform: every allowed answer equally likely
        return { logits, present: null as never };
      },
    };
    const ask = createAsk(model, tokenizer, 2048);
    const record = await judgePointwise(ask, 'Judge it.', 'In', 'Out');
    const prompt = record.verdicts[0].prompt;
    expect(prompt).toBe('<|user|>\nJudge it.\n\nInput:\nIn\n\nResponse:\nOut\n\nRate the response from 1 (worst) to 5 (best). Answer with one digit.\n<|assistant|>\nScore:');
    expect(tokenizer.decode(seen[0])).toBe(`${prompt} `);
    expect(record.verdicts[0].probs).toEqual([0.2, 0.2, 0.2, 0.2, 0.2].map((p) => expect.closeTo(p, 12)));
    expect(record.expected).toBeCloseTo(3, 12);
    expect(record.verdicts[0].logprobs[0]).toBeCloseTo(-Math.log(V), 6);
  });
});

describe('a pointwise score on a tiny random Llama', () => {
  let dir: string;
  let model: CausalLM;
  let tokenizer: TextTokenizer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-judge-'));
    const folder = path.join(dir, 'judge');
    await writeJudgeFixture(folder, 5);
    model = await CausalLM.load(folder, { intraOpNumThreads: 1 });
    tokenizer = TextTokenizer.fromFolder(folder);
  });
  afterAll(async () => {
    await model?.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('equals the hand computation from the raw logits', async () => {
    const ask = createAsk(model, tokenizer, model.spec.maxPositions);
    const record = await judgePointwise(ask, RUBRIC_TEXT.summary, 'Tom met Ann. They ate lunch.', 'Tom and Ann ate lunch.');
    const verdict: JudgeVerdict = record.verdicts[0];
    // by hand: one token per character; the answers are the digit tokens after "Score: "
    const vocab = judgeVocab();
    expect(verdict.tokenIds).toEqual(['1', '2', '3', '4', '5'].map((d) => vocab[d]));
    const prefix = [...verdict.prompt, ' '].map((c) => vocab[c]);
    expect(prefix.every((id) => id !== undefined)).toBe(true);
    const out = await model.forward([prefix], [prefix.map(() => 1)], model.emptyCache(1));
    const V = model.vocabSize;
    const row = Array.from(out.logits.slice((prefix.length - 1) * V, prefix.length * V));
    const logZ = Math.log(row.reduce((s, l) => s + Math.exp(l), 0));
    const logprobs = verdict.tokenIds.map((t) => row[t] - logZ);
    const mass = logprobs.reduce((s, l) => s + Math.exp(l), 0);
    const probs = logprobs.map((l) => Math.exp(l) / mass);
    const expected = probs.reduce((s, p, i) => s + (i + 1) * p, 0);
    verdict.logprobs.forEach((l, i) => expect(l).toBeCloseTo(logprobs[i], 5));
    verdict.probs.forEach((p, i) => expect(p).toBeCloseTo(probs[i], 6));
    expect(record.expected).toBeCloseTo(expected, 6);
    expect(record.argmax).toBe(1 + probs.indexOf(Math.max(...probs)));
    // a random model spreads its mass: the score is graded, not a single digit
    expect(Math.max(...probs)).toBeLessThan(0.99);
    expect(record.truncatedChars).toBe(0);
  });

  it('is symmetric under swapping on the real model too', async () => {
    const ask = createAsk(model, tokenizer, model.spec.maxPositions);
    const xy = await judgePairwise(ask, RUBRIC_TEXT.helpfulness, 'Say hi.', 'Hi there!', 'Go away.');
    const yx = await judgePairwise(ask, RUBRIC_TEXT.helpfulness, 'Say hi.', 'Go away.', 'Hi there!');
    expect(xy.winProbability! + yx.winProbability!).toBeCloseTo(1, 12);
    expect(xy.winProbability).not.toBe(0.5); // the model does prefer one answer
  });
});
