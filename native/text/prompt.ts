// Prompt templates for zero-, one- and few-shot prompting: an instruction, k worked examples drawn from
// dataset rows, then the query. Fields are filled with {{column}} placeholders.
import { placeholdersOf } from '../api/default-prompt.ts';
import { plural } from '../api/format.ts';

export interface PromptTemplate {
  /** Text before the examples (the task description). */
  instruction?: string;
  /**
   * How one example's input is written, e.g. 'Dialogue:\n{{dialogue}}'. Blocks separated by a blank line whose
   * placeholders are all empty in a row are left out for that row ('Input:\n{{input}}' where Alpaca has no input).
   */
  input: string;
  /** How one example's answer is written, e.g. 'Summary: {{summary}}'. The query gets `answerPrefix` instead. */
  output: string;
  /** The start of the answer the model is to continue, e.g. 'Summary:'. */
  answerPrefix: string;
  /** Between the instruction, examples and query (default two newlines). */
  separator?: string;
}

export type Row = Record<string, unknown>;

export interface FewShotOptions {
  /** Number of examples: 0 (zero-shot), 1 (one-shot), k (few-shot). */
  shots: number;
  /** Rows to draw examples from (never the query row itself). */
  pool: Row[];
  /** Seed for which examples are drawn; examples are drawn without replacement. */
  seed?: number;
}

/** Replace {{name}} with row[name]; a missing column is an error naming it. */
export function fill(template: string, row: Row): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in row)) throw new Error(`prompt template uses {{${name}}} but the row has no column '${name}' (columns: ${Object.keys(row).join(', ')})`);
    const v = row[name];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

/** `fill` for an input: a blank-line-separated block with placeholders, all of them empty in `row`, is left out. */
export function fillInput(template: string, row: Row): string {
  const kept = template.split('\n\n').filter((block) => {
    const names = placeholdersOf(block);
    return names.length === 0 || names.some((name) => fill(`{{${name}}}`, row).trim() !== '');
  });
  return fill(kept.join('\n\n'), row);
}

/** Pick `k` distinct rows from `pool` (excluding `exclude`) with a seeded shuffle. */
export function drawExamples(pool: Row[], k: number, seed = 0, exclude?: Row): Row[] {
  const candidates = pool.filter((r) => r !== exclude);
  if (k > candidates.length) throw new Error(`asked for ${plural(k, 'example')} but only ${plural(candidates.length, 'row')} ${candidates.length === 1 ? 'is' : 'are'} available`);
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const idx = candidates.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).map((i) => candidates[i]);
}

/** The prompt for `query`: instruction, `shots` filled examples, then the query's input and answer prefix. */
export function buildPrompt(t: PromptTemplate, query: Row, opts: FewShotOptions = { shots: 0, pool: [] }): string {
  if (!Number.isInteger(opts.shots) || opts.shots < 0) throw new Error(`shots must be a non-negative integer, got ${opts.shots}`);
  const sep = t.separator ?? '\n\n';
  const parts: string[] = [];
  if (t.instruction) parts.push(t.instruction);
  for (const ex of drawExamples(opts.pool, opts.shots, opts.seed, query)) parts.push(`${fillInput(t.input, ex)}\n${fill(t.output, ex)}`);
  parts.push(`${fillInput(t.input, query)}\n${t.answerPrefix}`);
  return parts.join(sep);
}
