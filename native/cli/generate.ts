// `lathe generate`: continue a prompt with a model from the data directory. Prints only the continuation
// (streamed as it is generated), then with --logprobs N each step's log-probabilities, unless --json, which prints
// the text, tokens, log-probabilities, settings and timing.
import { figure, formatValue, plural } from '../api/format.ts';
import { UserError, type CliCommand } from './command.ts';
import type { PromptTooLong } from '../generate/context-fit.ts';
import type { GenerateOptions } from '../generate/options.ts';
import type { TextGenerator } from '../generate/pipeline.ts';
import { GENERATION_HELP, GENERATION_OPTIONS, GENERATION_USAGE, numberFlag, parseGenerationFlags, requireFlags, THREADS_RANGE } from './options.ts';

const USAGE = `lathe generate --model N --prompt TEXT ${GENERATION_USAGE} [--logprobs N] [--threads T] [--json]`;

/**
 * The new tokens that fit after the prompt (see generate/context-fit.ts): all that were `wanted`, or what is left,
 * said through `note`; a prompt that leaves no room is refused in the CLI's words.
 */
function newTokensThatFit(generator: TextGenerator, tooLong: typeof PromptTooLong, promptTokens: number, wanted: number, modelName: string, note: (text: string) => void): number {
  let fit;
  try {
    fit = generator.fit(promptTokens, wanted);
  } catch (err) {
    if (err instanceof tooLong) throw new UserError(`the prompt is ${plural(err.promptTokens, 'token')} but ${modelName} reads at most ${formatValue(err.context)}, answer included; shorten the prompt`);
    throw err;
  }
  if (fit.shortened) note(`the prompt's ${plural(promptTokens, 'token')} leave room for ${plural(fit.left, 'new token')} in ${modelName}'s ${formatValue(fit.context)}-token context (${formatValue(wanted)} asked): the answer stops there`);
  return fit.maxNewTokens;
}

/** A generated token's log-probability and, with --logprobs N, the N likeliest tokens at its step. */
interface ScoredStep {
  id: number;
  logprob: number;
  top?: readonly { id: number; logprob: number }[];
}

/**
 * --logprobs N in text mode: after the streamed text, one line a step — the token chosen, its log-probability, and
 * the N likeliest tokens there with theirs (most likely first). Tokens are quoted as JSON strings, so a leading space
 * or a newline shows; `spell` gives a token's text.
 */
export function logprobsText(steps: readonly ScoredStep[], top: number, spell: (id: number) => string): string {
  const quoted = (id: number) => JSON.stringify(spell(id));
  const logprob = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  const rows = steps.map((s, i) => [String(i + 1), quoted(s.id), logprob(s.logprob), (s.top ?? []).map((a) => `${quoted(a.id)} ${logprob(a.logprob)}`).join(', ')]);
  const header = ['STEP', 'TOKEN', 'LOGPROB', `${top} LIKELIEST`];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // the step and log-probability columns right-aligned, so their digits line up
  const line = (r: string[]) => r.map((cell, c) => (c === 0 || c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [`log-probabilities of the ${steps.length} generated tokens (natural log; the ${top} likeliest tokens at each step, most likely first):`, line(header), ...rows.map(line)].join('\n');
}

/** The flags that shape sampling only: a greedy or beam decode reads none of them. */
const SAMPLING_FLAGS = ['top-k', 'top-p', 'min-p', 'seed'] as const;

/**
 * What to say when sampling flags were given to a decode that does not sample, or null: they were ignored without a
 * word ('--top-p 0.9 --seed 7' gave the greedy text, every time).
 */
export function unusedSamplingFlags(values: Record<string, unknown>, strategy: 'greedy' | 'sample' | 'beam'): string | null {
  const given = SAMPLING_FLAGS.filter((flag) => values[flag] !== undefined).map((flag) => `--${flag}`);
  if (strategy === 'sample' || given.length === 0) return null;
  const apply = `${given.join(', ')} appl${given.length === 1 ? 'ies' : 'y'} only when sampling`;
  return strategy === 'beam'
    ? `${apply}, and beam search (--num-beams above 1) does not sample: leave ${given.length === 1 ? 'it' : 'them'} out, or sample with --num-beams 1 --temperature above 0`
    : `${apply}, and this decodes greedily: add --temperature above 0 (e.g. --temperature 0.8) to sample`;
}

export const commands: CliCommand[] = [
  {
    path: ['generate'],
    modelFlags: ['model'],
    summary: 'Generate a continuation of a prompt with a model',
    usage: USAGE,
    help: {
      model: 'model id or name (required)',
      prompt: 'text to continue (required)',
      ...GENERATION_HELP,
      logprobs: 'also print the N likeliest tokens at each step with their log-probabilities (default 0: off)',
      threads: 'CPU threads (default: all cores)',
    },
    options: {
      model: { type: 'string' },
      prompt: { type: 'string' },
      ...GENERATION_OPTIONS,
      logprobs: { type: 'string' },
      threads: { type: 'string' },
    },
    async run({ values }, ctx) {
      requireFlags(values, ['model', 'prompt'], USAGE, { emptyAllowed: ['prompt'] });
      const name = values.model as string;
      const prompt = values.prompt as string;
      const { stop, ...settings } = parseGenerationFlags(values, USAGE);
      const options: GenerateOptions = { ...settings, stopStrings: stop, logprobs: numberFlag(values, 'logprobs', USAGE, { min: 0, note: '0 = off' }) };
      // loaded here, not at start-up: every other command starts without the engine (tests/unit/cli-startup-modules.test.ts)
      const [{ findDecoder }, { TextGenerator }, { DEFAULT_MAX_NEW_TOKENS, decodingOf }, { PromptTooLong }, { tokenText }] = await Promise.all([
        import('../models/registry.ts'), import('../generate/pipeline.ts'), import('../generate/options.ts'), import('../generate/context-fit.ts'), import('../openai/token-text.ts'),
      ]);
      let model;
      try {
        model = findDecoder(ctx.dataDir, name, 'generate text');
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      const generator = await TextGenerator.load(model.path, { intraOpNumThreads: numberFlag(values, 'threads', USAGE, THREADS_RANGE) });
      try {
        const wanted = options.maxNewTokens ?? (generator.model.folder.generationConfig?.max_new_tokens as number | undefined) ?? DEFAULT_MAX_NEW_TOKENS;
        options.maxNewTokens = newTokensThatFit(generator, PromptTooLong, generator.tokenizer.encode(prompt).length, wanted, model.name, (note) => ctx.info(note));
        const unused = unusedSamplingFlags(values, decodingOf(options, generator.model.folder.generationConfig ?? null).strategy);
        if (unused) ctx.warn(unused);
        if (!ctx.json) options.onToken = (e) => process.stdout.write(e.text);
        let result;
        try {
          result = await generator.generate([prompt], options);
        } catch (err) {
          if (err instanceof RangeError) throw new UserError(err.message);
          throw err;
        }
        const row = result.rows[0];
        if (ctx.json) {
          const tokens = generator.tokenizer;
          ctx.print({
            model: { id: model.id, name: model.name },
            prompt,
            text: row.text,
            finishReason: row.finishReason,
            tokenIds: row.tokenIds,
            logprobs: row.logprobs?.map((t) => ({ token: tokens.idToToken(t.id), ...t, top: t.top?.map((a) => ({ token: tokens.idToToken(a.id), ...a })) })),
            score: row.score,
            settings: result.settings,
            timing: result.timing,
          });
        } else {
          process.stdout.write('\n');
          // printed after the text, not between its tokens: the streamed text stays readable (and pipeable) as it comes
          if (options.logprobs && row.logprobs) process.stdout.write(`\n${logprobsText(row.logprobs, options.logprobs, (id) => tokenText(generator.tokenizer, id).token)}\n`);
          const t = result.timing;
          ctx.info(`[${plural(t.generatedTokens, 'token')}, ${row.finishReason}; first token ${t.timeToFirstTokenMs.toFixed(0)} ms, ${figure(t.decodeTokensPerSecond)} tokens/s]`);
        }
      } finally {
        await generator.release();
      }
    },
  },
];
