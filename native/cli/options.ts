// Flags more than one command reads: numbers checked with the flag named in the error, a command's input checked by
// its API schema with the errors naming flags, and the generation settings (`lathe generate`, `lathe eval`)
// declared, documented and parsed once.
import type { ZodType } from 'zod';
import type { GenerationSettings } from '../api/eval.ts';
import { UserError, type OptionSpec } from './command.ts';
import { closestChoice } from './suggest.ts';

/** The way out of a refused preference row for the commands that take --skip-invalid (TrainEnv.skipAdvice). */
export const SKIP_INVALID_ADVICE = 'use --skip-invalid to leave out the rows that make no pair';

/** The number given to `--flag` (undefined when absent); anything else is refused, naming the flag and the usage. */
export function numberFlag(values: Record<string, unknown>, flag: string, usage: string, integer = false): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UserError(`--${flag} must be ${integer ? 'a whole number' : 'a number'}; got '${String(raw)}'.\nUsage: ${usage}`);
  }
  return n;
}

/** The numbers given to the flags `numbers` maps to fields, under those fields (absent flags left out, for the schema's defaults). */
export function numberFields(values: Record<string, unknown>, numbers: Record<string, string>, usage: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [flag, field] of Object.entries(numbers)) {
    const n = numberFlag(values, flag, usage);
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
  if (!parsed.success) throw new UserError(`${issuesAsFlags(parsed.error.issues, fieldOfFlag, input)}\nUsage: ${usage}`);
  return parsed.data;
}

/** The LoRA flags loraFlags reads, declared once. */
export const LORA_OPTIONS: OptionSpec = { rank: { type: 'string' }, alpha: { type: 'string' }, dropout: { type: 'string' }, targets: { type: 'string' } };

/** The field each LoRA flag fills in an input with a `lora` object, for issuesAsFlags. */
export const LORA_FIELD_OF_FLAG: Record<string, string> = { rank: 'lora.r', alpha: 'lora.alpha', dropout: 'lora.dropout', targets: 'lora.targetModules' };

/** The LoRA settings given by --rank, --alpha, --dropout and --targets (absent flags left out, for the schema's defaults). */
export function loraFlags(values: Record<string, unknown>, usage: string): Record<string, unknown> {
  const lora: Record<string, unknown> = {};
  if (values.rank !== undefined) lora.r = numberFlag(values, 'rank', usage);
  if (values.alpha !== undefined) lora.alpha = numberFlag(values, 'alpha', usage);
  if (values.dropout !== undefined) lora.dropout = numberFlag(values, 'dropout', usage);
  if (values.targets) lora.targetModules = String(values.targets).split(',').map((s) => s.trim()).filter(Boolean);
  return lora;
}

export const GENERATION_USAGE =
  '[--max-new-tokens K] [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repetition-penalty R] [--no-repeat-ngram N] [--num-beams B] [--seed S] [--stop STR]...';

/** Each generation flag, the setting it fills and whether it takes a whole number. */
const GENERATION_FLAGS = {
  'max-new-tokens': { setting: 'maxNewTokens', integer: true },
  temperature: { setting: 'temperature', integer: false },
  'top-k': { setting: 'topK', integer: true },
  'top-p': { setting: 'topP', integer: false },
  'min-p': { setting: 'minP', integer: false },
  'repetition-penalty': { setting: 'repetitionPenalty', integer: false },
  'no-repeat-ngram': { setting: 'noRepeatNgramSize', integer: true },
  'num-beams': { setting: 'numBeams', integer: true },
  seed: { setting: 'seed', integer: true },
} as const satisfies Record<string, { setting: keyof GenerationSettings; integer: boolean }>;

export const GENERATION_OPTIONS: OptionSpec = {
  ...stringOptions(GENERATION_FLAGS),
  stop: { type: 'string', multiple: true },
};

/** One schema issue: zod's path and message; an enum or literal refusal also lists the allowed `values`. */
interface SchemaIssue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  values?: readonly unknown[];
}

function valueAt(input: unknown, at: readonly PropertyKey[]): unknown {
  return at.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);
}

/**
 * Schema issues as the user typed them: `--rank: Too small…` rather than `lora.r: Too small…`, and a value outside
 * a fixed set as `--method must be one of lora, full; got 'lorra'` (the house style of hand-written checks) rather
 * than zod's `Invalid option: expected one of "lora"|"full"`. `flags` maps each flag to the field it fills (dotted
 * for nested fields; an element of a list field is that field's); a field no flag fills keeps its path. `input`,
 * the object checked, supplies the value that was refused.
 */
export function issuesAsFlags(issues: readonly SchemaIssue[], flags: Record<string, string>, input?: unknown): string {
  const flagOf = new Map(Object.entries(flags).map(([flag, field]) => [field, flag]));
  return issues.map((issue) => {
    const exact = issue.path.map(String).join('.');
    const field = flagOf.has(exact) ? exact : issue.path.filter((p) => typeof p !== 'number').map(String).join('.');
    const name = flagOf.has(field) ? `--${flagOf.get(field)}` : field;
    if (issue.code === 'invalid_value' && issue.values?.length) {
      const got = valueAt(input, issue.path);
      const allowed = issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
      // the guess in brackets: several issues are joined with '; '
      const guess = got === undefined ? undefined : closestChoice(String(got), issue.values.map(String));
      return `${name} ${allowed}${got === undefined ? '' : `; got '${String(got)}'`}${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`;
    }
    // A number out of range: zod says the bound ('Too small: expected number to be >=1'); the user also sees what they gave.
    const got = issue.code === 'too_small' || issue.code === 'too_big' ? valueAt(input, issue.path) : undefined;
    return `${name}: ${issue.message}${typeof got === 'number' ? `; got ${got}` : ''}`;
  }).join('; ');
}

/** A zod field's default for a help line, read from the API schema so the help cannot drift from it. */
export function schemaDefault(field: unknown): string {
  const def = (field as { def?: { type?: string; defaultValue?: unknown } }).def;
  if (def?.type !== 'default') throw new Error('schemaDefault: the field has no default');
  return def.defaultValue === null ? 'none' : String(def.defaultValue);
}

export const GENERATION_HELP: Record<string, string> = {
  'max-new-tokens': "tokens to generate at most (default: the model's generation config, else 128)",
  temperature: "sampling temperature; 0 is greedy (default: the model's generation config, else 1)",
  'top-k': 'sample among the K likeliest tokens; 0 is off (default off)',
  'top-p': 'sample among the likeliest tokens whose probabilities sum to P; 1 is off (default off)',
  'min-p': 'drop tokens less likely than P times the likeliest (default off)',
  'repetition-penalty': 'above 1 discourages repeating tokens already in the text; 1 is off (default off)',
  'no-repeat-ngram': 'never repeat an n-gram of this size; 0 is off (default off)',
  'num-beams': 'beam search with B beams; 1 is no beam search (default 1)',
  seed: 'seed of the sampler, for repeatable samples (default: random)',
  stop: 'stop when the text contains this string (repeatable)',
};

/** The range each flag's value must fall in, and how to say it. */
const GENERATION_RANGES: Partial<Record<keyof typeof GENERATION_FLAGS, { ok(n: number): boolean; rule: string }>> = {
  'max-new-tokens': { ok: (n) => n >= 1, rule: 'a whole number of 1 or more' },
  temperature: { ok: (n) => n >= 0, rule: '0 or more (0 = greedy)' },
  'top-k': { ok: (n) => n >= 0, rule: 'a whole number of 0 or more (0 = off)' },
  'top-p': { ok: (n) => n > 0 && n <= 1, rule: 'in (0, 1] (1 = off)' },
  'min-p': { ok: (n) => n > 0 && n <= 1, rule: 'in (0, 1]' },
  'repetition-penalty': { ok: (n) => n > 0, rule: 'above 0 (1 = off; above 1 discourages repeats)' },
  'no-repeat-ngram': { ok: (n) => n >= 0, rule: 'a whole number of 0 or more (0 = off)' },
  'num-beams': { ok: (n) => n >= 1, rule: 'a whole number of 1 or more (1 = no beam search)' },
  seed: { ok: (n) => n >= 0, rule: 'a whole number of 0 or more' },
};

/** The generation settings the flags give, leaving out those not given (the model's defaults apply). */
export function parseGenerationFlags(values: Record<string, unknown>, usage: string): GenerationSettings {
  const settings: Record<string, unknown> = {};
  for (const [flag, { setting, integer }] of Object.entries(GENERATION_FLAGS)) {
    const n = numberFlag(values, flag, usage, integer);
    const range = GENERATION_RANGES[flag as keyof typeof GENERATION_FLAGS];
    if (n !== undefined && range && !range.ok(n)) throw new UserError(`--${flag} must be ${range.rule}; got ${n}.\nUsage: ${usage}`);
    if (n !== undefined) settings[setting] = n;
  }
  if (values.stop !== undefined) settings.stop = values.stop as string[];
  return settings as GenerationSettings;
}
