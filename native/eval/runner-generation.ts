// Generation evaluation: build each example's prompt (zero/one/few-shot), fit it into the model's context
// (its middle cut, keeping BOS, the instruction and the cue to answer, as fine-tuning cuts it), generate with the
// run's settings, and score the continuation against the references.
import type { EvalExample, EvalMetricName, GenerationSettings } from '../api/eval.ts';
import { generate } from '../generate/generate.ts';
import type { GenerateOptions } from '../generate/options.ts';
import { CausalLM } from '../models/decoder.ts';
import type { PromptTemplate, Row } from '../text/prompt.ts';
import { fitPromptMiddle, type FittedPrompt } from '../text/fit-prompt.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { createShotPlanner } from './few-shot.ts';
import type { EvalItem } from './runner-data.ts';
import { scoreExample } from './scoring.ts';

/** References in the shipped datasets are one line; a newline ends the answer unless the run says otherwise. */
export const DEFAULT_STOP = ['\n'];
const DEFAULT_MAX_NEW_TOKENS = 128;
/** The fewest prompt tokens worth generating from; a smaller budget means max new tokens eats the context. */
const MIN_PROMPT_TOKENS = 16;

export interface ExampleEvaluator {
  /** What the run's config records about the model side (settings as applied). */
  readonly describe: Record<string, unknown>;
  /** Refuses, before the run exists, what the evaluator cannot do as asked (few-shot examples that cannot fit). */
  check?(items: readonly EvalItem[]): void;
  evaluate(items: EvalItem[], firstIndex: number): Promise<EvalExample[]>;
  release(): Promise<void>;
}

export interface GenerationSetup {
  modelDir: string;
  /** A PEFT LoRA adapter folder applied on top (already checked against the model). */
  adapterDir?: string;
  template: PromptTemplate;
  shots: number;
  shotSeed: number;
  pool: Row[];
  metrics: EvalMetricName[];
  settings: GenerationSettings;
  threads?: number;
}

export async function createGenerationEvaluator(setup: GenerationSetup): Promise<ExampleEvaluator> {
  const tokenizer = TextTokenizer.fromFolder(setup.modelDir);
  const model = await CausalLM.load(setup.modelDir, { intraOpNumThreads: setup.threads, adapter: setup.adapterDir });
  const spec = model.spec;
  const genConfig = model.folder.generationConfig ?? null;
  const s = setup.settings;
  const maxNewTokens = s.maxNewTokens ?? (genConfig?.max_new_tokens as number | undefined) ?? DEFAULT_MAX_NEW_TOKENS;
  const budget = spec.maxPositions - maxNewTokens;
  if (budget < MIN_PROMPT_TOKENS) {
    await model.release();
    throw new RangeError(`max new tokens ${maxNewTokens} leaves ${budget} of the model's ${spec.maxPositions}-token context for the prompt; use a smaller maxNewTokens (--max-new-tokens)`);
  }
  const defaultStopIds = spec.eosTokenIds.length ? spec.eosTokenIds : tokenizer.eosTokenId !== null ? [tokenizer.eosTokenId] : [];
  const sampling = (s.temperature ?? 0) > 0;
  // Sampling runs are reproducible: without a seed they use 0, and each batch draws from seed + its first index.
  const baseSeed = s.seed ?? 0;
  const options: GenerateOptions = {
    maxNewTokens,
    temperature: s.temperature ?? 0,
    topK: s.topK,
    topP: s.topP,
    minP: s.minP,
    repetitionPenalty: s.repetitionPenalty,
    noRepeatNgramSize: s.noRepeatNgramSize,
    numBeams: s.numBeams,
    stopStrings: s.stop ?? DEFAULT_STOP,
  };
  const bos = tokenizer.bosTokenId;
  const planner = createShotPlanner({
    template: setup.template, shots: setup.shots, seed: setup.shotSeed, pool: setup.pool, budget,
    contextTokens: spec.maxPositions, maxNewTokens, encode: (text) => tokenizer.encode(text),
  });
  return {
    describe: {
      maxNewTokens, temperature: options.temperature, topK: s.topK ?? null, topP: s.topP ?? null, minP: s.minP ?? null,
      repetitionPenalty: s.repetitionPenalty ?? null, noRepeatNgramSize: s.noRepeatNgramSize ?? null, numBeams: s.numBeams ?? 1,
      seed: sampling ? baseSeed : null, stop: options.stopStrings, contextTokens: spec.maxPositions, promptBudgetTokens: budget,
    },
    check: (items) => planner.check(items),
    async evaluate(items, firstIndex) {
      const fitted = items.map((item) => planner.choose(item.row));
      const prompts = fitted.map((f) => f.prompt);
      const encoded = fitted.map((f) => fitPromptMiddle(f.ids, budget, bos));
      const result = await generate(model, tokenizer, encoded.map((e) => e.ids), { ...options, seed: sampling ? baseSeed + firstIndex : undefined }, {
        generationConfig: genConfig,
        defaultStopIds,
        padTokenId: tokenizer.padTokenId ?? defaultStopIds[0] ?? 0,
      });
      return items.map((item, b) => {
        const row = result.rows[b];
        const prediction = row.text.trim();
        return {
          index: firstIndex + b,
          id: item.id,
          input: item.input,
          references: item.references,
          prediction,
          ...promptAsFed(tokenizer, prompts[b], encoded[b], bos),
          finishReason: row.finishReason,
          scores: scoreExample(setup.metrics, prediction, item.references),
          promptTokens: encoded[b].ids.length,
          truncatedTokens: encoded[b].truncated,
          shotsUsed: fitted[b].shotsUsed,
          generatedTokens: row.tokenIds.length,
          latencyMs: result.timing.totalMs,
        };
      });
    },
    release: () => model.release(),
  };
}

/**
 * The prompt as the model read it: the text built, or, where its middle was cut, the text of the tokens kept and the
 * character where the cut tokens were (the two sides decoded apart, so a character split across the cut shows as
 * U+FFFD rather than joining what was never next to it).
 */
export function promptAsFed(tokenizer: TextTokenizer, built: string, fit: FittedPrompt, bos: number | null): { prompt: string; promptCutAt?: number } {
  if (fit.cutAt === null) return { prompt: built };
  // the BOS the encoder added is not in the text built, so not in the text shown
  const lead = bos !== null && fit.ids[0] === bos ? 1 : 0;
  const head = tokenizer.decode(fit.ids.slice(lead, fit.cutAt), { skipSpecialTokens: false });
  const tail = tokenizer.decode(fit.ids.slice(fit.cutAt), { skipSpecialTokens: false });
  return { prompt: head + tail, promptCutAt: head.length };
}
