// The judge in an evaluation run: load the judge model, ask it about each example's response (pointwise, or
// pairwise against the first reference in both orders) and keep its prompts and answer probabilities on the
// example. Wraps the run's evaluator, so the response can be the model's generation or, with a response
// column, the dataset's own text (then nothing is generated: judging a labelled set measures the judge).
import type { EvalExample, EvalMetricName, JudgeRecord } from '../api/eval.ts';
import { CausalLM } from '../models/decoder.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { answerDistribution, answerTokens, fitQuestion, judgePairwise, judgePointwise, judgeScores, type AskJudge, type JudgeMode } from './judge.ts';
import type { EvalItem } from './runner-data.ts';
import type { ExampleEvaluator } from './runner-generation.ts';
import { scoreExample } from './scoring.ts';

export interface JudgeSetup {
  modelDir: string;
  modelName: string;
  mode: JudgeMode;
  rubric: string;
  /** Pointwise: the column of reference scores 1–5. */
  labelColumn?: string;
  threads?: number;
  /** The responses come from a dataset column: the judge's time is then the example's latency. */
  responsesFromColumn?: boolean;
  /** Pairwise against another run: its id and its predictions by example id (else against the first reference). */
  opponent?: { runId: string; byId: ReadonlyMap<string, string> };
}

/** Render a question with the judge's chat template when it has one (as the playground does), else plainly. */
function promptText(tokenizer: TextTokenizer, body: string): { text: string; addSpecialTokens: boolean } {
  if (!tokenizer.chatTemplate) return { text: body, addSpecialTokens: true };
  const cut = body.lastIndexOf('\n');
  const text = tokenizer.applyChatTemplate([{ role: 'user', content: body.slice(0, cut) }], { addGenerationPrompt: true }) + body.slice(cut + 1);
  return { text, addSpecialTokens: !tokenizer.writesBos(text) };
}

/** The judge as a function: a question and an input in, the allowed answers' probabilities out. */
export function createAsk(model: Pick<CausalLM, 'forward' | 'emptyCache' | 'vocabSize'>, tokenizer: TextTokenizer, contextTokens: number): AskJudge {
  const encode = (body: string) => {
    const p = promptText(tokenizer, body);
    return tokenizer.encode(p.text, { addSpecialTokens: p.addSpecialTokens });
  };
  return async (question, input) => {
    // Room for the longest answer's tokens after the prompt.
    const longest = question.labels.reduce((a, b) => (b.length > a.length ? b : a));
    const fitted = fitQuestion(question, input, (body) => encode(`${body} ${longest}`).length, contextTokens);
    const { prefix, tokenIds } = answerTokens(question.labels.map((l) => encode(`${fitted.prompt} ${l}`)), question.labels);
    const out = await model.forward([prefix], [prefix.map(() => 1)], model.emptyCache(1));
    const V = model.vocabSize;
    const last = out.logits.subarray((prefix.length - 1) * V, prefix.length * V);
    const { logprobs, probs } = answerDistribution(last, tokenIds);
    // Kept as the judge read it (chat template applied), so the record shows exactly what was asked.
    return { prompt: promptText(tokenizer, fitted.prompt).text, labels: [...question.labels], tokenIds, logprobs, probs, truncatedChars: fitted.truncatedChars };
  };
}

/** A 1–5 reference score from a label cell; errors name the example and the column. */
export function labelOf(item: EvalItem, column: string): number {
  const raw = item.row[column];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > 5) {
    throw new RangeError(`example ${item.id}: label column '${column}' holds ${JSON.stringify(raw)}, not a whole score from 1 to 5; fix the data or choose another label column`);
  }
  return value;
}

/** Wrap an evaluator so each example also carries the judge's record and scores. */
export async function withJudge(inner: ExampleEvaluator, setup: JudgeSetup): Promise<ExampleEvaluator> {
  const tokenizer = TextTokenizer.fromFolder(setup.modelDir);
  const model = await CausalLM.load(setup.modelDir, { intraOpNumThreads: setup.threads });
  const ask = createAsk(model, tokenizer, model.spec.maxPositions);
  const judgeOne = async (item: EvalItem, example: EvalExample): Promise<JudgeRecord> => {
    if (setup.mode === 'pairwise' && setup.opponent) {
      const record = await judgePairwise(ask, setup.rubric, item.input, example.prediction, setup.opponent.byId.get(item.id) ?? '');
      return { ...record, againstRun: setup.opponent.runId };
    }
    if (setup.mode === 'pairwise') return judgePairwise(ask, setup.rubric, item.input, example.prediction, item.references[0] ?? '');
    const record = await judgePointwise(ask, setup.rubric, item.input, example.prediction);
    return setup.labelColumn ? { ...record, label: labelOf(item, setup.labelColumn) } : record;
  };
  return {
    describe: {
      ...inner.describe,
      judge: { model: setup.modelName, mode: setup.mode, rubric: setup.rubric, labelColumn: setup.labelColumn ?? null, againstRun: setup.opponent?.runId ?? null, contextTokens: model.spec.maxPositions, chatTemplate: tokenizer.chatTemplate !== null },
    },
    check(items) {
      inner.check?.(items);
      if (setup.labelColumn) for (const item of items) labelOf(item, setup.labelColumn);
      if (setup.opponent) {
        const missing = items.find((i) => !setup.opponent!.byId.has(i.id));
        // opponentPredictions refuses this first, with how many examples that run has
        if (missing) throw new RangeError(`example ${missing.id} has no answer of run ${setup.opponent.runId} to be judged against`);
      } else if (setup.mode === 'pairwise') {
        const missing = items.find((i) => !i.references[0]);
        if (missing) throw new RangeError(`example ${missing.id} has no reference to judge the response against (pairwise judging compares with the first reference)`);
      }
    },
    async evaluate(items, firstIndex) {
      const examples = await inner.evaluate(items, firstIndex);
      const out: EvalExample[] = [];
      for (const [b, example] of examples.entries()) {
        const t0 = performance.now();
        const judge = { ...(await judgeOne(items[b], example)), latencyMs: performance.now() - t0 };
        // A generation run's latency stays the generation's, comparable with runs that were not judged.
        const latencyMs = setup.responsesFromColumn ? judge.latencyMs : example.latencyMs;
        out.push({ ...example, judge, latencyMs, scores: { ...example.scores, ...judgeScores(judge) } });
      }
      return out;
    },
    async release() {
      await model.release();
      await inner.release();
    },
  };
}

/** The responses are a dataset column: nothing is generated, each example's prediction is that column's text. */
export function columnResponses(column: string, metrics: readonly EvalMetricName[]): ExampleEvaluator {
  return {
    describe: { responseColumn: column },
    async evaluate(items, firstIndex) {
      return items.map((item, b) => {
        const raw = item.row[column];
        const prediction = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : JSON.stringify(raw);
        return {
          index: firstIndex + b, id: item.id, input: item.input, references: item.references, prediction,
          scores: scoreExample(metrics, prediction, item.references), promptTokens: 0, truncatedTokens: 0, generatedTokens: 0, latencyMs: 0,
        };
      });
    },
    release: async () => {},
  };
}
