// Flags more than one command reads: numbers checked with the flag named in the error, a command's input checked by
// its API schema with the errors naming flags, and the generation settings (`lathe generate`, `lathe eval`)
// declared, documented and parsed once.
import type { ZodType } from 'zod';
import type { GenerationSettings } from '../api/eval.ts';
import { StudioError } from '../api/errors.ts';
import { boundWords, choiceWords, issueWords, valueAt, type SchemaIssue } from '../api/issue-words.ts';
import { LoraInput } from '../api/train.ts';
import { UserError, type OptionSpec } from './command.ts';
import { closestChoice, didYouMean } from './suggest.ts';

/**
 * A value outside a flag's fixed set, as every command words it: `--method must be one of lora, full; got 'lroa'. Did
 * you mean 'lora'?`, then the usage when given. One place, so `--dtype`, `--format`, `--task`, `--mode` … read alike.
 */
export function choiceFlagError(flag: string, got: string, allowed: readonly string[], usage?: string): UserError {
  return new UserError(`--${flag} ${choiceWords(allowed, got)}.${didYouMean(got, allowed)}${usage === undefined ? '' : `\nUsage: ${usage}`}`);
}

/** 'a', 'a and b', 'a, b and c'. */
function inWords(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Refuses a command whose required flags (or its one argument, `needs` words it: 'one question') are not all given,
 * naming only those missing: `lathe generate --model m` said '--model and --prompt are required.' of a --model it
 * had. A flag given as '' counts as missing unless it is in `emptyAllowed` (`--prompt ''` generates from nothing).
 */
export function requireFlags(values: Record<string, unknown>, flags: readonly string[], usage: string, options: { emptyAllowed?: readonly string[]; argument?: { given: boolean; needs: string } } = {}): void {
  const missing = flags.filter((f) => values[f] === undefined || (values[f] === '' && !options.emptyAllowed?.includes(f))).map((f) => `--${f}`);
  if (options.argument && !options.argument.given) missing.push(options.argument.needs);
  if (missing.length === 0) return;
  throw new UserError(`${inWords(missing)} ${missing.length === 1 ? 'is' : 'are'} required.\nUsage: ${usage}`);
}

/** The way out of a refused preference row for the commands that take --skip-invalid (TrainEnv.skipAdvice). */
export const SKIP_INVALID_ADVICE = 'use --skip-invalid to leave out the rows that make no pair';

/**
 * The whole numbers a flag takes: bounds inclusive (absent: none that side) and a note on a special value, such as
 * '0 picks a free one'. A sign is allowed only where the range reaches below 0.
 */
export interface IntegerRange {
  min?: number;
  max?: number;
  note?: string;
}

/** The numbers a flag takes: whole (`integer`) or any decimal, and the bounds; a decimal's bound may be exclusive. */
export interface NumberRule {
  integer: boolean;
  range: IntegerRange & { minExclusive?: boolean; maxExclusive?: boolean };
}

/**
 * 'a whole number from 1 to 256', 'a whole number of 0 or more (0 = off)', 'a number more than 0', 'a number of 0 or
 * more and less than 1' …: the kind of number and its range in words, with the range's note.
 */
export function numberRuleWords({ integer, range: { min, max, note, minExclusive, maxExclusive } }: NumberRule): string {
  const low = min === undefined ? undefined : minExclusive ? `more than ${min}` : `${min} or more`;
  const high = max === undefined ? undefined : maxExclusive ? `less than ${max}` : `${max} or less`;
  const both = low !== undefined && high !== undefined;
  const bounds = both && !minExclusive && !maxExclusive ? `from ${min} to ${max}` : [low, high].filter((b) => b !== undefined).join(' and ');
  const of = /^\d|^-/.test(bounds) ? 'of ' : '';
  return `${integer ? 'a whole number' : 'a number'}${bounds ? ` ${of}${bounds}` : ''}${note ? ` (${note})` : ''}`;
}

/**
 * The one wording of a number flag's refusal, for every command and whether the CLI or the API schema found the
 * fault: `--limit must be a whole number of 1 or more; got '0'.` — the flag, the kind of number and its range, the
 * value as typed in quotes, then `hint` (' (decimal digits only)') and a full stop, then the usage when given.
 */
export function numberFlagWords(flag: string, rule: NumberRule, got: string, hint = ''): string {
  return `--${flag} must be ${numberRuleWords(rule)}; got '${got}'${hint}.`;
}

/** numberFlagWords as the UserError a command throws, the usage on the next line. */
export function numberFlagError(flag: string, rule: NumberRule, got: string, usage: string, hint = ''): UserError {
  return new UserError(`${numberFlagWords(flag, rule, got, hint)}\nUsage: ${usage}`);
}

/**
 * `raw`, given to --flag, as a whole number in `range`: decimal digits only, with a '-' only where the range has
 * negatives. Number() alone took '0x10' (16), '1e3' (1000), ' 80' and '' (0), so a typo became a setting nobody
 * asked for. Every integer flag of the CLI is read through here; the error names the flag, the value and the range,
 * and says 'decimal digits only' where the value was a number written otherwise (hex, exponent, padded).
 * `checkBounds` false: the range only words the error (and allows a sign); an API schema checks the bounds after,
 * reporting every issue of the input in one message (schemaNumberFlag).
 */
export function integerFlagValue(flag: string, raw: unknown, range: IntegerRange, usage: string, checkBounds = true): number {
  const text = String(raw);
  const negatives = range.min === undefined || range.min < 0;
  const n = (negatives ? /^-?\d+$/ : /^\d+$/).test(text) ? Number(text) : NaN;
  const outside = checkBounds && ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max));
  if (!Number.isSafeInteger(n) || outside) {
    const hint = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? '' : ' (decimal digits only)';
    throw numberFlagError(flag, { integer: true, range }, text, usage, hint);
  }
  return n;
}

/** A decimal number as people write one: 0.5, .5, -2, 3e-4, 1E+3. Not hex, binary or octal, Infinity, nor padding. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** `text` as a decimal number (DECIMAL), else NaN. */
export function decimalOrNaN(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/**
 * `raw`, given to --flag, as a number written in decimals, exponent notation included (--lr 3e-4); hex, an empty
 * value or one padded with spaces is refused, as for whole numbers. The range is the caller's (or the schema's) to check.
 */
export function decimalFlagValue(flag: string, raw: unknown, usage: string): number {
  const text = String(raw);
  const n = decimalOrNaN(text);
  if (!Number.isFinite(n)) throw numberFlagError(flag, { integer: false, range: {} }, text, usage, ' (write it in decimals, such as 0.5 or 3e-4)');
  return n;
}

/** --threads wherever a command takes it: TrainInput's threads, and ONNX Runtime's intra-op threads. */
export const THREADS_RANGE: IntegerRange = { min: 1, max: 256 };

/**
 * The number given to `--flag` (undefined when absent): a whole number when `integer` is true or a range (checked
 * here), else any decimal number. Anything else is refused, naming the flag, the value and the usage.
 */
export function numberFlag(values: Record<string, unknown>, flag: string, usage: string, integer: boolean | IntegerRange = false): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  if (integer === false) return decimalFlagValue(flag, raw, usage);
  return integerFlagValue(flag, raw, integer === true ? {} : integer, usage);
}

/** What a number field of an API schema takes: whole or not, and a whole number's inclusive bounds. */
export function numberFieldRule(field: unknown): NumberRule | undefined {
  type Def = { type?: string; innerType?: unknown; checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } } }[] };
  let def = (field as { def?: Def } | undefined)?.def;
  while (def && (def.type === 'optional' || def.type === 'nullable' || def.type === 'default')) def = (def.innerType as { def?: Def }).def;
  if (def?.type !== 'number') return undefined;
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const integer = checks.some((c) => c.check === 'number_format' && /int/.test(c.format ?? ''));
  const range: NumberRule['range'] = {};
  // a whole number's exclusive bound is the next whole number in; a decimal's stays exclusive ('more than 0')
  for (const c of checks) {
    if (c.value === undefined) continue;
    const exclusive = !c.inclusive && !integer;
    const bound = c.inclusive || !integer ? c.value : c.check === 'greater_than' ? c.value + 1 : c.value - 1;
    if (c.check === 'greater_than' && bound >= (range.min ?? -Infinity)) {
      range.min = bound;
      if (exclusive) range.minExclusive = true;
      else delete range.minExclusive;
    }
    if (c.check === 'less_than' && bound <= (range.max ?? Infinity)) {
      range.max = bound;
      if (exclusive) range.maxExclusive = true;
      else delete range.maxExclusive;
    }
  }
  return { integer, range };
}

/**
 * The number given to --flag for an API schema's number `field`: whole where the field is, in decimal digits; the
 * error words the field's range. The bounds are left to the schema, which reports them with the input's other issues.
 */
export function schemaNumberFlag(values: Record<string, unknown>, flag: string, usage: string, field: unknown): number | undefined {
  const rule = numberFieldRule(field);
  if (!rule) throw new Error(`--${flag} fills no number field of the schema`);
  const raw = values[flag];
  if (raw === undefined) return undefined;
  return rule.integer ? integerFlagValue(flag, raw, rule.range, usage, false) : decimalFlagValue(flag, raw, usage);
}

/**
 * The numbers given to the flags `numbers` maps to fields, under those fields (absent flags left out, for the
 * schema's defaults). `shape` is the API schema's fields: a field's whole-number-ness and bounds are read from it,
 * so '--max-steps 1e3' is refused as the schema's int() would have taken 1000.
 */
export function numberFields(values: Record<string, unknown>, numbers: Record<string, string>, usage: string, shape: Record<string, unknown>): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [flag, field] of Object.entries(numbers)) {
    if (!numberFieldRule(shape[field])) throw new Error(`numberFields: --${flag} fills '${field}', which is not a number field of the schema`);
    const n = schemaNumberFlag(values, flag, usage, shape[field]);
    if (n !== undefined) fields[field] = n;
  }
  return fields;
}

/** The words given to choice flags such as --method, under the fields `choices` maps them to (absent or empty flags left out, for the schema's defaults). */
export function choiceFields(values: Record<string, unknown>, choices: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(choices).filter(([flag]) => values[flag]).map(([flag, field]) => [field, values[flag]]));
}

/** A string option for each flag (the keys of `flags`), e.g. for the flags `numberFields` reads. */
export function stringOptions(flags: Record<string, unknown>): OptionSpec {
  return Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }]));
}

/** `input` checked by its API schema; a refusal names the flags (`fieldOfFlag`, as for issuesAsFlags) and shows the usage. */
export function parseFlagInput<T>(schema: ZodType<T>, input: Record<string, unknown>, fieldOfFlag: Record<string, string>, usage: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UserError(`${issuesAsFlags(parsed.error.issues, fieldOfFlag, input, schema)}\nUsage: ${usage}`);
  return parsed.data;
}

/** The LoRA flags loraFlags reads, declared once. */
export const LORA_OPTIONS: OptionSpec = { rank: { type: 'string' }, alpha: { type: 'string' }, dropout: { type: 'string' }, targets: { type: 'string' } };

/** The field each LoRA flag fills in an input with a `lora` object, for issuesAsFlags. */
export const LORA_FIELD_OF_FLAG: Record<string, string> = { rank: 'lora.r', alpha: 'lora.alpha', dropout: 'lora.dropout', targets: 'lora.targetModules' };

/** The LoRA settings given by --rank, --alpha, --dropout and --targets (absent flags left out, for the schema's defaults). */
export function loraFlags(values: Record<string, unknown>, usage: string): Record<string, unknown> {
  const lora: Record<string, unknown> = {};
  Object.assign(lora, numberFields(values, { rank: 'r', alpha: 'alpha', dropout: 'dropout' }, usage, LoraInput.shape));
  if (values.targets) lora.targetModules = String(values.targets).split(',').map((s) => s.trim()).filter(Boolean);
  return lora;
}

export const GENERATION_USAGE =
  '[--max-new-tokens K] [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repetition-penalty R] [--no-repeat-ngram N] [--num-beams B] [--seed S] [--stop STR]...';

/** Each generation flag, the setting it fills and, for a whole number, the range it takes (else any decimal, see GENERATION_RANGES). */
const GENERATION_FLAGS = {
  'max-new-tokens': { setting: 'maxNewTokens', integer: { min: 1 } },
  temperature: { setting: 'temperature', integer: false },
  'top-k': { setting: 'topK', integer: { min: 0, note: '0 = off' } },
  'top-p': { setting: 'topP', integer: false },
  'min-p': { setting: 'minP', integer: false },
  'repetition-penalty': { setting: 'repetitionPenalty', integer: false },
  'no-repeat-ngram': { setting: 'noRepeatNgramSize', integer: { min: 0, note: '0 = off' } },
  'num-beams': { setting: 'numBeams', integer: { min: 1, note: '1 = no beam search' } },
  seed: { setting: 'seed', integer: { min: 0 } },
} as const satisfies Record<string, { setting: keyof GenerationSettings; integer: false | IntegerRange }>;

export const GENERATION_OPTIONS: OptionSpec = {
  ...stringOptions(GENERATION_FLAGS),
  stop: { type: 'string', multiple: true },
};

/** The field of a zod object `schema` at `path` (an object's field, a list's element), or undefined. */
function fieldAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  type Def = { type?: string; innerType?: unknown; in?: unknown; shape?: Record<PropertyKey, unknown>; element?: unknown };
  const unwrap = (field: unknown): Def | undefined => {
    let def = (field as { def?: Def } | undefined)?.def;
    while (def && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'pipe'].includes(def.type ?? '')) def = ((def.type === 'pipe' ? def.in : def.innerType) as { def?: Def } | undefined)?.def;
    return def;
  };
  let field = schema;
  for (const key of path) {
    const def = unwrap(field);
    if (def?.type === 'object' && def.shape) field = def.shape[key];
    else if (def?.type === 'array' && typeof key === 'number') field = def.element;
    else return undefined;
  }
  return field;
}

/**
 * Schema issues as the user typed them: a bound on a number flag as every number flag words it (numberFlagWords:
 * `--rank must be a whole number from 1 to 1024; got '0'.`, its range read from `schema`) rather than `lora.r: Too
 * small…`, and a value outside a fixed set as `--method must be one of lora, full; got 'lorra'` (the house style of
 * hand-written checks) rather than zod's `Invalid option: expected one of "lora"|"full"`. `flags` maps each flag to
 * the field it fills (dotted for nested fields; an element of a list field is that field's); a field no flag fills
 * keeps its path. `input`, the object checked, supplies the value that was refused; `schema`, the schema that checked
 * it (without it, a bound reads 'must be 1 or more; got 0', as the API words one).
 */
export function issuesAsFlags(issues: readonly SchemaIssue[], flags: Record<string, string>, input?: unknown, schema?: unknown): string {
  const flagOf = new Map(Object.entries(flags).map(([flag, field]) => [field, flag]));
  return issues.map((issue) => {
    const exact = issue.path.map(String).join('.');
    const field = flagOf.has(exact) ? exact : issue.path.filter((p) => typeof p !== 'number').map(String).join('.');
    const name = flagOf.has(field) ? `--${flagOf.get(field)}` : field;
    if (issue.code === 'invalid_value' && issue.values?.length) {
      const got = valueAt(input, issue.path);
      // the guess as the hand-written checks word it (didYouMean): ". Did you mean 'lora'?"
      const guess = got === undefined ? undefined : closestChoice(String(got), issue.values.map(String));
      return `${name} ${choiceWords(issue.values, got)}${guess === undefined ? '' : `. Did you mean '${guess}'?`}`;
    }
    // A number flag's bound in the words of every number flag ('--rank must be a whole number from 1 to 1024; got
    // '0'.'), where zod says 'Too small: expected number to be >=1'; other issues keep zod's words after the flag.
    if (!boundWords(issue)) return `${name}: ${afterColon(issue.message)}`;
    const rule = flagOf.has(field) && schema !== undefined ? numberFieldRule(fieldAt(schema, issue.path)) : undefined;
    const got = valueAt(input, issue.path);
    if (rule && typeof got === 'number') return numberFlagWords(flagOf.get(field)!, rule, String(got));
    return `${name} ${issueWords(issue, input)}`;
  }).join('\n'); // one issue a line: a guess ends its issue's sentence
}

/**
 * A message the API words as a sentence of its own ('This metric runs from 0 to 1 …', shown as such by the studio's
 * forms), continued after a flag and a colon: '--target: this metric runs from 0 to 1 …'. A word in capitals (an
 * acronym, 'LoRA') keeps them.
 */
export function afterColon(message: string): string {
  return /^[A-Z][a-z]*(?![A-Za-z0-9])/.test(message) ? message[0].toLowerCase() + message.slice(1) : message;
}

/**
 * The engine's refusal of a field a flag fills, as the user typed it: '--seq-len: the sequence length 100000 is
 * longer than …' rather than the API's field, which the studio's forms mark. Any other error is returned as it is.
 */
export function asFlagError(err: unknown, fieldOfFlag: Record<string, string>, usage: string): unknown {
  if (!(err instanceof StudioError) || err.code !== 'invalid_params') return err;
  const field = (err.details as { field?: unknown } | undefined)?.field;
  const flag = Object.keys(fieldOfFlag).find((f) => fieldOfFlag[f] === field);
  return flag === undefined ? err : new UserError(`--${flag}: ${afterColon(err.message)}\nUsage: ${usage}`);
}

/** A zod field's default for a help line, read from the API schema so the help cannot drift from it. */
export function schemaDefault(field: unknown): string {
  const def = (field as { def?: { type?: string; defaultValue?: unknown } }).def;
  if (def?.type !== 'default') throw new Error('schemaDefault: the field has no default');
  return def.defaultValue === null ? 'none' : String(def.defaultValue);
}

/**
 * The generation flags' help, as resolveOptions (native/generate/options.ts) settles each setting: the flag, else the
 * model's generation_config.json, else the engine's default. Decoding is greedy unless --temperature above 0 is given
 * or the generation config sets do_sample; the sampling flags (top-k, top-p, min-p, seed) act only when sampling.
 * `lathe eval` decodes greedily whatever the config says, and seeds sampling with 0: EVAL_GENERATION_HELP.
 */
export const GENERATION_HELP: Record<string, string> = {
  'max-new-tokens': "tokens to generate at most (default: the model's generation config, else 128)",
  temperature: "sample at this temperature; 0 is greedy (default: greedy, unless the model's generation config sets do_sample: then its temperature, else 1)",
  'top-k': "sample among the K likeliest tokens; 0 is off (default: the model's generation config, else 50; only when sampling)",
  'top-p': "sample among the likeliest tokens whose probabilities sum to P; 1 is off (default: the model's generation config, else off; only when sampling)",
  'min-p': "drop tokens less likely than P times the likeliest (default: the model's generation config, else off; only when sampling)",
  'repetition-penalty': "above 1 discourages repeating tokens already in the text; 1 is off (default: the model's generation config, else off)",
  'no-repeat-ngram': "never repeat an n-gram of this size; 0 is off (default: the model's generation config, else off)",
  'num-beams': "beam search with B beams; 1 is no beam search (default: the model's generation config, else 1)",
  seed: 'seed of the sampler, for repeatable samples; greedy decoding draws nothing (default: random)',
  stop: 'stop when the text contains this string (repeatable)',
};

/** `lathe eval`'s: scores are reproducible, so it is greedy unless --temperature is given, and sampling is seeded with 0. */
export const EVAL_GENERATION_HELP: Record<string, string> = {
  ...GENERATION_HELP,
  temperature: "sample at this temperature; 0 is greedy (default 0: greedy, whatever the model's generation config says)",
  seed: 'seed of the sampler when --temperature is above 0, for repeatable scores (default 0)',
};

/** The range each decimal flag's value must fall in, and how to say it (whole numbers: GENERATION_FLAGS). */
const GENERATION_RANGES: Partial<Record<keyof typeof GENERATION_FLAGS, NumberRule['range']>> = {
  temperature: { min: 0, note: '0 = greedy' },
  'top-p': { min: 0, minExclusive: true, max: 1, note: '1 = off' },
  'min-p': { min: 0, minExclusive: true, max: 1 },
  'repetition-penalty': { min: 0, minExclusive: true, note: '1 = off; above 1 discourages repeats' },
};

/** Whether `n` is within `range`'s bounds (each inclusive unless marked exclusive). */
function withinRange(n: number, { min, max, minExclusive, maxExclusive }: NumberRule['range']): boolean {
  return (min === undefined || (minExclusive ? n > min : n >= min)) && (max === undefined || (maxExclusive ? n < max : n <= max));
}

/** The generation settings the flags give, leaving out those not given (the model's defaults apply). */
export function parseGenerationFlags(values: Record<string, unknown>, usage: string): GenerationSettings {
  const settings: Record<string, unknown> = {};
  for (const [flag, { setting, integer }] of Object.entries(GENERATION_FLAGS)) {
    const n = numberFlag(values, flag, usage, integer);
    const range = GENERATION_RANGES[flag as keyof typeof GENERATION_FLAGS];
    if (n !== undefined && range && !withinRange(n, range)) throw numberFlagError(flag, { integer: false, range }, String(values[flag]), usage);
    if (n !== undefined) settings[setting] = n;
  }
  if (values.stop !== undefined) settings.stop = values.stop as string[];
  return settings as GenerationSettings;
}
