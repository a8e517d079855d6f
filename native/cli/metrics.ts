// `lathe metrics rouge|bleu|chrf|em-f1`: score prediction files against reference files directly, with the
// same implementations the evaluation runner uses (native/eval). Inputs: one prediction per line and one
// reference file per reference (parallel lines), or a .jsonl file with "prediction" and "references" fields.
// ROUGE-Lsum splits summaries into sentences at newlines, which only JSONL strings can carry: with plain-text
// files every summary is one sentence and ROUGE-Lsum equals ROUGE-L.
import { formatValue, plural } from '../api/format.ts';
import { UserError, type CliCommand, type OptionSpec } from './command.ts';
import { choiceFlagError, numberFlag } from './options.ts';
import { formatTable } from './table.ts';
import { aggregateRouge, mean } from '../eval/bootstrap.ts';
import { corpusBleu, BLEU_SMOOTHINGS, type BleuSmoothing } from '../eval/bleu.ts';
import { BLEU_TOKENIZERS, type BleuTokenizerName } from '../eval/bleu-tokenizers.ts';
import { corpusChrf } from '../eval/chrf.ts';
import { InputFileError, readScoringExamples, type ScoringExamples } from '../eval/prediction-files.ts';
import { scoreAnswers } from '../eval/qa.ts';
import { DEFAULT_ROUGE_TYPES, rougeScoreMulti } from '../eval/rouge.ts';

const INPUT_OPTIONS = {
  pred: { type: 'string' },
  ref: { type: 'string', multiple: true },
} as const satisfies OptionSpec;
const INPUT_HELP = {
  pred: 'predictions, one per line (required)',
  ref: 'references, one per line, aligned with --pred; repeat for several references per line (required)',
};

const INPUT_USAGE = '--pred FILE [--ref FILE [--ref FILE2 …]]';

function loadExamples(values: Record<string, unknown>, usage: string): ScoringExamples {
  const pred = values.pred as string | undefined;
  if (!pred) throw new UserError(`--pred FILE is required.\nUsage: ${usage}`);
  try {
    return readScoringExamples(pred, (values.ref as string[] | undefined) ?? []);
  } catch (err) {
    if (err instanceof InputFileError) throw new UserError(err.message);
    throw err;
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw choiceFlagError(flag, String(value), allowed);
  return value as T;
}

/** A metric's table in the CLI's table style (formatTable): the first row is the header, its names in capitals. */
function table([header, ...rows]: string[][]): string {
  return formatTable(header, rows, 60);
}

const fixed = (x: number, digits = 2) => x.toFixed(digits);

// Each command prints on its reference package's own scale, named in the table header and in --json's `scale`.
const ROUGE_SCALE = '0–1, rouge-score scale';
const SACREBLEU_SCALE = '0–100, sacrebleu scale';
const SQUAD_SCALE = '0–100, SQuAD script scale';

const rougeUsage = `lathe metrics rouge ${INPUT_USAGE} [--stem] [--seed N] [--json]`;
const bleuUsage = `lathe metrics bleu ${INPUT_USAGE} [--tokenize 13a|none|intl] [--smooth exp|floor|add-k|none] [--smooth-value X] [--lowercase] [--json]`;
const chrfUsage = `lathe metrics chrf ${INPUT_USAGE} [--word-order N] [--lowercase] [--json]`;
const emF1Usage = `lathe metrics em-f1 ${INPUT_USAGE} [--json]`;

export const commands: CliCommand[] = [
  {
    path: ['metrics', 'rouge'],
    summary: 'ROUGE-1/2/L/Lsum of predictions against references (rouge-score compatible, 95% bootstrap CI)',
    usage: rougeUsage,
    help: { ...INPUT_HELP, stem: 'Porter-stem words before matching, as rouge-score does with use_stemmer (default off)', seed: 'seed of the bootstrap confidence intervals (default 0)' },
    options: { ...INPUT_OPTIONS, stem: { type: 'boolean' }, seed: { type: 'string' } },
    async run({ values }, ctx) {
      const seed = numberFlag(values, 'seed', rougeUsage, true) ?? 0; // a bad flag is refused before the files are read
      const { predictions, references } = loadExamples(values, rougeUsage);
      const stem = Boolean(values.stem);
      const perExample = predictions.map((p, i) => rougeScoreMulti(references[i], p, { stem }));
      const intervals = aggregateRouge(perExample, { seed });
      const scores = Object.fromEntries(
        DEFAULT_ROUGE_TYPES.map((type) => {
          const column = (field: 'precision' | 'recall' | 'fmeasure') => mean(perExample.map((s) => s[type][field]));
          return [type, { precision: column('precision'), recall: column('recall'), fmeasure: column('fmeasure'), fmeasureCI95: intervals[type].fmeasure }];
        }),
      );
      const result = { metric: 'rouge', scale: ROUGE_SCALE, examples: predictions.length, references: Math.max(...references.map((r) => r.length)), stem, seed, scores };
      ctx.print(result, () => {
        const rows = [[`ROUGE (${ROUGE_SCALE})`, 'P', 'R', 'F', 'F 95% CI']];
        for (const [type, s] of Object.entries(scores)) {
          rows.push([type, fixed(s.precision, 4), fixed(s.recall, 4), fixed(s.fmeasure, 4), `${fixed(s.fmeasureCI95.low, 4)}–${fixed(s.fmeasureCI95.high, 4)}`]);
        }
        return `${table(rows)}\n${plural(predictions.length, 'example')}, ${result.references === 1 ? 'one reference each' : `best of up to ${result.references} references`}, stemming ${stem ? 'on' : 'off'}.`;
      });
    },
  },
  {
    path: ['metrics', 'bleu'],
    summary: 'Corpus BLEU of predictions against references (sacrebleu compatible)',
    usage: bleuUsage,
    help: { ...INPUT_HELP, tokenize: 'tokenizer: 13a, none or intl (default 13a, as sacrebleu)', smooth: 'smoothing: exp, floor, add-k or none (default exp)', 'smooth-value': 'the value for floor or add-k smoothing', lowercase: 'compare lowercased text (default off)' },
    options: { ...INPUT_OPTIONS, tokenize: { type: 'string' }, smooth: { type: 'string' }, 'smooth-value': { type: 'string' }, lowercase: { type: 'boolean' } },
    async run({ values }, ctx) {
      const tokenize = oneOf<BleuTokenizerName>(values.tokenize, BLEU_TOKENIZERS, 'tokenize', '13a');
      const smooth = oneOf<BleuSmoothing>(values.smooth, BLEU_SMOOTHINGS, 'smooth', 'exp');
      const smoothValue = numberFlag(values, 'smooth-value', bleuUsage);
      const lowercase = Boolean(values.lowercase);
      const { predictions, references } = loadExamples(values, bleuUsage);
      const bleu = corpusBleu(predictions, references, { tokenize, smooth, smoothValue, lowercase });
      const result = { metric: 'bleu', scale: SACREBLEU_SCALE, examples: predictions.length, tokenize, smooth, smoothValue: smoothValue ?? null, lowercase, ...bleu };
      ctx.print(result, () => {
        const rows = [
          [`BLEU (${SACREBLEU_SCALE})`, 'P1', 'P2', 'P3', 'P4', 'BP', 'RATIO', 'HYP_LEN', 'REF_LEN'],
          [fixed(bleu.score), ...bleu.precisions.map((p) => fixed(p, 1)), fixed(bleu.bp, 3), fixed(bleu.ratio, 3), formatValue(bleu.sysLen), formatValue(bleu.refLen)],
        ];
        return `${table(rows)}\n${plural(predictions.length, 'example')}; tokenize=${tokenize} smooth=${smooth} case=${lowercase ? 'lc' : 'mixed'}.`;
      });
    },
  },
  {
    path: ['metrics', 'chrf'],
    summary: 'Corpus chrF (or chrF++ with --word-order 2) of predictions against references (sacrebleu compatible)',
    usage: chrfUsage,
    help: { ...INPUT_HELP, 'word-order': 'word n-gram order: 0 for chrF, 2 for chrF++ (default 0)', lowercase: 'compare lowercased text (default off)' },
    options: { ...INPUT_OPTIONS, 'word-order': { type: 'string' }, lowercase: { type: 'boolean' } },
    async run({ values }, ctx) {
      const wordOrder = numberFlag(values, 'word-order', chrfUsage, { min: 0, note: '0 for chrF, 2 for chrF++' }) ?? 0;
      const lowercase = Boolean(values.lowercase);
      const { predictions, references } = loadExamples(values, chrfUsage);
      const score = corpusChrf(predictions, references, { wordOrder, lowercase });
      const name = `chrF2${'+'.repeat(wordOrder)}`;
      const result = { metric: 'chrf', scale: SACREBLEU_SCALE, name, examples: predictions.length, charOrder: 6, wordOrder, beta: 2, lowercase, score };
      ctx.print(result, () => `${table([[`${name.toUpperCase()} (${SACREBLEU_SCALE})`], [fixed(score)]])}\n${plural(predictions.length, 'example')}; char order 6, word order ${wordOrder}, beta 2.`);
    },
  },
  {
    path: ['metrics', 'em-f1'],
    summary: 'Exact match and token F1 with SQuAD answer normalisation, best over the references',
    usage: emF1Usage,
    help: { ...INPUT_HELP },
    options: { ...INPUT_OPTIONS },
    async run({ values }, ctx) {
      const { predictions, references } = loadExamples(values, emF1Usage);
      const score = scoreAnswers(predictions, references);
      const result = { metric: 'em-f1', scale: SQUAD_SCALE, examples: predictions.length, ...score };
      ctx.print(result, () => `${table([[`EXACT_MATCH (${SQUAD_SCALE})`, 'F1'], [fixed(score.exactMatch), fixed(score.f1)]])}\n${plural(predictions.length, 'example')}.`);
    },
  },
];
