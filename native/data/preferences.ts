// Preference pairs (prompt, chosen, rejected) from a dataset's rows, in the three shapes preference data comes in:
// - plain columns: prompt / chosen / rejected strings (TRL's standard format; chosen and rejected may also be a
//   message object or a list of messages, whose last assistant message is the completion);
// - LLaMA-Factory: `conversations` [{from, value}] as the prompt, `chosen` and `rejected` as {from, value} objects;
// - HH-RLHF: no prompt column, `chosen` and `rejected` are whole transcripts of "\n\nHuman: …" / "\n\nAssistant: …"
//   turns, split at the last assistant turn into the shared prompt and the two completions.
// A row that cannot make a pair (an empty completion, chosen equal to rejected, a transcript with no assistant turn
// or whose two versions differ before it) is named by where it is and refused, or left out and reported when
// skipInvalid is set: never dropped silently.
import { StudioError } from '../api/errors.ts';
import { mappingWords } from '../api/format.ts';
import type { UnmappedDataset } from '../api/align.ts';
import type { ColumnMapping } from '../api/schemas.ts';

export interface PreferenceMessage {
  role: string;
  content: string;
}

export interface PreferencePair {
  /** The conversation before the completions; it ends with a user turn. */
  prompt: PreferenceMessage[];
  chosen: string;
  rejected: string;
}

export type PreferenceStyle = 'columns' | 'transcript';

/** A row that makes no pair: the reason, and the mapping field at fault. */
export class PreferenceRowError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export const ASSISTANT_TURN = '\n\nAssistant:';

/** The mapping fields preference training needs: each pair's chosen and rejected answer. */
export const PAIR_FIELDS = ['chosen', 'rejected'] as const;
/** Those of PAIR_FIELDS a mapping lacks (none: it can make pairs). */
export const missingPairFields = (mapping: ColumnMapping): string[] => PAIR_FIELDS.filter((f) => mapping[f] === undefined);

/** How a mapping's rows become pairs: with a prompt column, or from whole transcripts. Throws naming what is missing. */
export function preferenceStyle(mapping: ColumnMapping, datasetName: string): PreferenceStyle {
  const missing = missingPairFields(mapping);
  if (missing.length) {
    const mapped = mappingWords(mapping);
    const unmapped: UnmappedDataset = { field: 'dataset', dataset: datasetName, needs: 'pairs', missing, mapping };
    throw new StudioError('invalid_params', `dataset ${datasetName} has no preference pairs: preference training needs the columns of the chosen and the rejected response mapped as chosen and rejected (missing: ${missing.join(', ')}; ${mapped ? `it maps ${mapped}` : 'it maps no columns'}); choose a dataset of preference pairs, or map its columns with 'lathe dataset map ${datasetName} --chosen-column C --rejected-column C'`, unmapped);
  }
  return mapping.prompt === undefined ? 'transcript' : 'columns';
}

const ROLES: Record<string, string> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system', observation: 'tool', function_call: 'assistant' };

function message(v: unknown, field: string): PreferenceMessage {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PreferenceRowError(`${field} holds ${JSON.stringify(v)?.slice(0, 60)}, not a message ({from, value} or {role, content})`, field);
  const o = v as Record<string, unknown>;
  const role = String(o.role ?? o.from ?? '');
  const content = o.content ?? o.value;
  if (typeof content !== 'string') throw new PreferenceRowError(`${field}: a message has no text (value or content)`, field);
  return { role: ROLES[role] ?? role, content };
}

/** A prompt cell: a string (one user turn), a list of messages, or a JSON string of one. Throws a PreferenceRowError. */
export function promptMessages(v: unknown): PreferenceMessage[] {
  const parsed = typeof v === 'string' && v.trimStart().startsWith('[') ? tryJson(v) : v;
  if (typeof parsed === 'string') return [{ role: 'user', content: parsed }];
  if (!Array.isArray(parsed)) throw new PreferenceRowError(`the prompt is ${JSON.stringify(parsed)?.slice(0, 60) ?? 'missing'}, not text or a list of messages`, 'prompt');
  return parsed.map((m) => message(m, 'prompt'));
}

/** A completion cell: a string, a message object, or a list of messages (the last one's text). */
function completionText(v: unknown, field: 'chosen' | 'rejected'): string {
  const parsed = typeof v === 'string' && /^\s*[[{]/.test(v) ? tryJson(v) : v;
  if (typeof parsed === 'string') return parsed;
  if (Array.isArray(parsed)) {
    const last = parsed.at(-1);
    if (last === undefined) throw new PreferenceRowError(`the ${field} completion is an empty list of messages`, field);
    return message(last, field).content;
  }
  return message(parsed, field).content;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The turns of an HH-RLHF transcript ("\n\nHuman: …\n\nAssistant: …"), roles as chat templates name them. */
export function transcriptTurns(text: string): PreferenceMessage[] {
  const turns: PreferenceMessage[] = [];
  const marker = /\n\n(Human|Assistant):/g;
  const starts = [...text.matchAll(marker)];
  starts.forEach((m, i) => {
    const from = m.index + m[0].length;
    const to = i + 1 < starts.length ? starts[i + 1].index : text.length;
    turns.push({ role: m[1] === 'Human' ? 'user' : 'assistant', content: text.slice(from, to).trim() });
  });
  return turns;
}

/** Split a transcript at its last assistant turn: the text before the marker and the completion after it. */
function splitTranscript(text: unknown, field: 'chosen' | 'rejected'): { before: string; completion: string } {
  if (typeof text !== 'string') throw new PreferenceRowError(`the ${field} transcript is ${JSON.stringify(text)?.slice(0, 60) ?? 'missing'}, not text`, field);
  const at = text.lastIndexOf(ASSISTANT_TURN);
  if (at < 0) throw new PreferenceRowError(`the ${field} transcript has no assistant turn ('\\n\\nAssistant:'), so there is no completion to prefer`, field);
  return { before: text.slice(0, at), completion: text.slice(at + ASSISTANT_TURN.length).trim() };
}

function checked(pair: PreferencePair): PreferencePair {
  if (pair.prompt.length === 0 || pair.prompt.every((m) => m.content.trim() === '')) throw new PreferenceRowError('the prompt is empty', 'prompt');
  if (pair.chosen.trim() === '') throw new PreferenceRowError('the chosen completion is empty', 'chosen');
  if (pair.rejected.trim() === '') throw new PreferenceRowError('the rejected completion is empty', 'rejected');
  if (pair.chosen.trim() === pair.rejected.trim()) throw new PreferenceRowError('chosen and rejected are the same text, so the pair prefers nothing', 'rejected');
  return pair;
}

/** One row as a pair; throws PreferenceRowError saying why it makes none. */
export function preferencePair(row: Record<string, unknown>, mapping: ColumnMapping, style: PreferenceStyle): PreferencePair {
  if (style === 'transcript') {
    const chosen = splitTranscript(row[mapping.chosen], 'chosen');
    const rejected = splitTranscript(row[mapping.rejected], 'rejected');
    if (chosen.before !== rejected.before) throw new PreferenceRowError('the chosen and rejected transcripts differ before their last assistant turn, so they share no prompt', 'rejected');
    const prompt = transcriptTurns(chosen.before);
    if (!prompt.some((m) => m.role === 'user')) throw new PreferenceRowError("the transcript has no human turn ('\\n\\nHuman:') before its last assistant turn", 'chosen');
    return checked({ prompt, chosen: chosen.completion, rejected: rejected.completion });
  }
  const prompt = promptMessages(row[mapping.prompt]);
  if (prompt.at(-1)?.role === 'assistant') throw new PreferenceRowError('the prompt conversation ends with an assistant turn; it must end with the turn the completions answer', 'prompt');
  return checked({ prompt, chosen: completionText(row[mapping.chosen], 'chosen'), rejected: completionText(row[mapping.rejected], 'rejected') });
}

export interface LocatedRow {
  values: Record<string, unknown>;
  /** Where the row is, for messages: "dataset hh record 87 (of hh.jsonl.gz, in file order)". */
  where: string;
}

export interface PreferencePairs {
  pairs: PreferencePair[];
  /** Rows left out (skipInvalid), each with where it is and why. */
  skipped: { where: string; reason: string }[];
}

export interface PreferencePairOptions {
  skipInvalid: boolean;
  /**
   * How the caller's user leaves out rows that make no pair, in the words of its own interface, for the advice that
   * ends a refusal: the CLI names its flag, the studio's job its form's checkbox (TrainEnv.skipAdvice). Code calling
   * the trainers directly gets the input's field.
   */
  skipAdvice?: string;
}

const skipHint = (advice = 'set skipInvalid to leave out the rows that make no pair'): string => `fix or remove that row, or ${advice}`;

/** Pairs from rows; a row that makes none stops with an error naming it and the field, unless `skipInvalid`. */
export function preferencePairs(rows: Iterable<LocatedRow>, mapping: ColumnMapping, style: PreferenceStyle, opts: PreferencePairOptions): PreferencePairs {
  const out: PreferencePairs = { pairs: [], skipped: [] };
  for (const row of rows) {
    try {
      out.pairs.push(preferencePair(row.values, mapping, style));
    } catch (err) {
      if (!(err instanceof PreferenceRowError)) throw err;
      if (!opts.skipInvalid) {
        const hint = skipHint(opts.skipAdvice);
        throw new StudioError('invalid_params', `${row.where}: ${err.message} (field '${err.field}', column '${mapping[err.field] ?? err.field}'); ${hint}`, { field: err.field, hint });
      }
      out.skipped.push({ where: row.where, reason: err.message });
    }
  }
  return out;
}
