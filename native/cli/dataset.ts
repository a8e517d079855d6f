// `lathe dataset import|list|show|map|delete`. Import runs in the foreground with a progress line on stderr, through
// the same importDataset the studio's 'dataset-import' job runs in its child process.
import { DatasetImportInput, MAPPING_FIELDS, QUOTINGS, SPLITS, wholeSplit, type Dataset, type ExtraImportFile, type MappingField, type Quoting } from '../api/schemas.ts';
import type { ImportProgress } from '../data/import.ts';
import { UserError, type CliCommand, type CliContext } from './command.ts';
import { decimalOrNaN, integerFlagValue, numberFlag, schemaDefault } from './options.ts';
import { asUserError, callStudio, openCliStudio } from './studio-call.ts';
import { formatFields, formatTable } from './table.ts';
import { existingProjectId, optionalProjectId, projectLabel, projectNames } from './project-ref.ts';
import { formatValue, mappingWords, plural, splitSeedWords, timeLeft } from '../api/format.ts';
import { didYouMean } from './suggest.ts';
import { datasetRunsNote } from '../api/deletion.ts';
import { QUOTING_LABELS } from '../api/labels.ts';
import { cancelOnSignals } from './cancel.ts';

const IMPORT_USAGE = 'lathe dataset import FILE --name N [--project ID] [--skip-invalid] [--seed S] [--split 0.8,0.1,0.1 | --split train|validation|test] [--add SPLIT=FILE]… [--quoting csv|none]';

/**
 * `--add validation=dev.jsonl`: one more file of the dataset, all of it one split. A misspelled split is said first,
 * naming the valid ones, with a missing --split beside it: one fix at a time hid the misspelling behind --split.
 */
function parseAdded(raw: unknown, firstSplit: string | undefined): ExtraImportFile[] {
  const given = (raw as string[] | undefined) ?? [];
  const unsplit = 'with --add, say how FILE itself is split: --split train (all of it), or fractions such as --split 0.9,0.1,0.';
  const added = given.map((item) => {
    const at = item.indexOf('=');
    const named = at < 0 ? '' : item.slice(0, at).trim();
    const split = SPLITS.find((s) => s === named);
    if (at < 0 || !split || item.slice(at + 1).trim() === '') {
      const guess = at < 0 || split ? '' : didYouMean(named, SPLITS);
      const also = firstSplit === undefined ? `\nAnd ${unsplit}` : '';
      throw new UserError(`--add takes SPLIT=FILE, the split being train, validation or test (e.g. --add test=test.jsonl); got '${item}'.${guess}${also}\nUsage: ${IMPORT_USAGE}`);
    }
    return { path: item.slice(at + 1).trim(), split };
  });
  if (added.length > 0 && firstSplit === undefined) throw new UserError(`${unsplit}\nUsage: ${IMPORT_USAGE}`);
  return added;
}

function parseSplit(raw: string | undefined): { train: number; validation: number; test: number } | undefined {
  if (raw === undefined) return undefined;
  const whole = SPLITS.find((s) => s === raw.trim());
  if (whole) return wholeSplit(whole);
  const parts = raw.split(',').map((s) => decimalOrNaN(s.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n) || n < 0 || n > 1)) {
    // a word rather than fractions was meant as a split's name: 'tset' → 'test'
    const guess = raw.includes(',') ? '' : didYouMean(raw.trim(), SPLITS);
    throw new UserError(`--split takes three fractions for train,validation,test such as 0.8,0.1,0.1, or the one split the whole file is (train, validation or test); got '${raw}'.${guess}\nUsage: ${IMPORT_USAGE}`);
  }
  return { train: parts[0], validation: parts[1], test: parts[2] };
}

function parseQuoting(raw: string | undefined): Quoting | undefined {
  if (raw === undefined) return undefined;
  const quoting = QUOTINGS.find((q) => q === raw.trim());
  if (!quoting) throw new UserError(`--quoting takes csv or none; got '${raw}'.${didYouMean(raw.trim(), QUOTINGS)}\nUsage: ${IMPORT_USAGE}`);
  return quoting;
}

function parseSeed(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : integerFlagValue('seed', raw, {}, IMPORT_USAGE);
}

/** A progress line that rewrites itself on a terminal and prints sparingly when stderr is a file or pipe. */
export function progressPrinter(ctx: CliContext): { update(p: ImportProgress): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (ctx.json) return;
      const now = Date.now();
      // the last update (100 %, the rows imported) always: skipped, a pipe's last line stayed at the 99 % that
      // reading every byte reaches before the split and the write
      if (!tty && now - last < 2000 && p.fraction < 1) return;
      last = now;
      const left = p.fraction < 1 ? timeLeft(p.etaSeconds) : null;
      const line = `importing: ${(p.fraction * 100).toFixed(0)}% — ${p.message}${left ? `, ${left}` : ''}`;
      if (tty) process.stderr.write(`\r${line.padEnd(process.stderr.columns ? process.stderr.columns - 1 : 79).slice(0, (process.stderr.columns ?? 80) - 1)}`);
      else process.stderr.write(`${line}\n`);
      shown = true;
    },
    done() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

/**
 * The import's log for the CLI: its warnings (rows skipped) as warnings; its info lines not at all, since the
 * progress line's last words ('importing: 100% — imported 500 rows') and stdout ('Imported dataset ds_…') say them:
 * printed, 'imported 500 rows from … as dataset ds_…' came twice, the first before the 100 %.
 */
export function importLog(ctx: CliContext): (level: 'info' | 'warn', line: string) => void {
  return (level, line) => {
    if (level === 'warn') ctx.log(level, line);
  };
}

const FIELDS = Object.keys(MAPPING_FIELDS) as MappingField[];
const MAP_USAGE = `lathe dataset map NAME ${FIELDS.map((f) => `[--${f}-column C]`).join(' ')} [--unset FIELD,…]`;

/** The mapping after `lathe dataset map`'s flags: given fields set (each to a column the dataset has), --unset ones removed. */
function mappingFromFlags(dataset: Dataset, values: Record<string, unknown>): Dataset['mapping'] {
  const unset = ((values.unset as string | undefined) ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = unset.find((f) => !(f in MAPPING_FIELDS));
  if (unknown !== undefined) throw new UserError(`--unset: '${unknown}' is not a mapping field; the fields are ${FIELDS.join(', ')}.\nUsage: ${MAP_USAGE}`);
  const given = FIELDS.filter((f) => values[`${f}-column`] !== undefined);
  if (given.length === 0 && unset.length === 0) {
    throw new UserError(`give at least one --FIELD-column COLUMN (fields: ${FIELDS.join(', ')}) or --unset FIELD; dataset ${dataset.name} has the columns ${dataset.columns.join(', ')}.\nUsage: ${MAP_USAGE}`);
  }
  const mapping = { ...dataset.mapping };
  for (const f of unset) delete mapping[f];
  for (const f of given) {
    const column = values[`${f}-column`] as string;
    if (!dataset.columns.includes(column)) throw new UserError(`--${f}-column: dataset ${dataset.name} has no column '${column}'; its columns are ${dataset.columns.join(', ')}.${didYouMean(column, dataset.columns)}`);
    mapping[f] = column;
  }
  return mapping;
}

/** How a dataset's project reads to a person: "name (id)", or '—' for none. */
async function projectOf(ctx: CliContext, d: Dataset): Promise<string> {
  return d.projectId === null ? '—' : projectLabel(ctx, d.projectId);
}

/** A dataset's fields as `dataset show` prints them; `project` as projectLabel reads its project ('—' for none). */
export function describeDataset(d: Dataset, project: string): string {
  const seed = splitSeedWords(d); // only a seed that placed rows: none for files kept whole, or a draw not recorded
  return formatFields([
    ['id', d.id],
    ['name', d.name],
    ['project', project],
    ['source', `${d.sourcePath} (${d.format}${d.compressed ? ', gzip' : ''})`],
    ...(d.quoting ? [['quoting', `${d.quoting} — ${QUOTING_LABELS[d.quoting]}`] as [string, string]] : []),
    ['rows', `${formatValue(d.rowCount)} (${SPLITS.map((s) => `${s} ${formatValue(d.splits[s] ?? 0)}`).join(', ')}${seed ? `; ${seed}` : ''})`],
    ['columns', d.columns.join(', ')],
    ['mapping', mappingWords(d.mapping) || "— (set one with 'lathe dataset map' or in the studio)"],
    ['skipped', d.skippedRows.length ? `${plural(d.skippedRows.length, 'row')} (first: ${d.skippedRows[0].file ? `${d.skippedRows[0].file} ` : ''}line ${d.skippedRows[0].line}: ${d.skippedRows[0].reason})` : 'none'],
    ['sha256', d.contentHash],
    ['created', d.createdAt],
  ]);
}

export const commands: CliCommand[] = [
  {
    path: ['dataset', 'import'],
    summary: 'Import a JSONL, JSON, CSV or TSV file (optionally .gz), or a train/dev/test set of them, as a dataset',
    usage: IMPORT_USAGE,
    help: {
      name: 'name for the dataset (required; unique)',
      project: 'project id or name the dataset belongs to (default: none)',
      'skip-invalid': 'import the valid rows and list the skipped lines (default: refuse the file at its first bad row); a CSV or TSV quote that is never closed is refused even so, since the rows after it cannot be told apart (TSV is read with the quoting of CSV unless --quoting none is given)',
      seed: `seed of the shuffle that draws FILE's rows into train/validation/test by the --split fractions (default ${schemaDefault(DatasetImportInput.shape.seed)}); a file kept whole as one split (--split test, an --add file) is not drawn, so the seed does not apply to it and dataset show names none for it`,
      split: 'train,validation,test fractions (default 0.8,0.1,0.1); or train, validation or test: the file already is that split (e.g. a published test set), every row goes there unshuffled',
      add: 'SPLIT=FILE: another file of the same dataset, all of it that split (e.g. --add test=test.jsonl); repeat for more; needs --split for FILE',
      quoting: "how a CSV or TSV file quotes its fields, for FILE and every --add file: csv (default; RFC 4180, as pandas and spreadsheets write CSV and TSV: a field that begins with \" is quoted and may hold the delimiter, newlines and doubled quotes) or none (IANA text/tab-separated-values, GLUE-style corpora: every \" is text, a field is everything between two tabs, or commas in CSV, and one line is one row); not for JSON or JSONL",
    },
    positionals: true,
    options: {
      name: { type: 'string' },
      project: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      seed: { type: 'string' },
      split: { type: 'string' },
      add: { type: 'string', multiple: true },
      quoting: { type: 'string' },
    },
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give exactly one file to import (more files of the same dataset go in --add SPLIT=FILE).\nUsage: ${IMPORT_USAGE}`);
      if (!values.name) throw new UserError(`--name is required.\nUsage: ${IMPORT_USAGE}`);
      const split = parseSplit(values.split as string | undefined);
      const extraFiles = parseAdded(values.add, values.split as string | undefined);
      const seed = parseSeed(values.seed as string | undefined);
      const quoting = parseQuoting(values.quoting as string | undefined);
      const input = { path: positionals[0], name: values.name as string, skipInvalid: Boolean(values['skip-invalid']), split, seed, extraFiles, quoting };
      const { checkImportFiles, importDataset } = await import('../data/import.ts');
      try {
        checkImportFiles(input, '--quoting'); // before the data directory is opened: a mistyped path makes nothing there
      } catch (err) {
        throw asUserError(err);
      }
      const projectId = (await optionalProjectId(ctx, values.project)) ?? null;
      const studio = await openCliStudio(ctx);
      const cancel = cancelOnSignals();
      const progress = progressPrinter(ctx);
      try {
        const dataset = await importDataset(
          { ...input, projectId },
          { store: studio.store, dataDir: ctx.dataDir, signal: cancel.signal, onProgress: (p) => progress.update(p), log: importLog(ctx), skipAdvice: 'use --skip-invalid', quotingAdvice: 'import it with --quoting none' },
        );
        progress.done();
        const project = await projectOf(ctx, dataset);
        ctx.print(dataset, () => `Imported dataset ${dataset.id}\n${describeDataset(dataset, project)}`);
      } catch (err) {
        progress.done();
        if (cancel.signal.aborted) throw new UserError('import cancelled; nothing was imported.', cancel.exitCode);
        throw asUserError(err);
      } finally {
        cancel.release();
        await studio.close();
      }
    },
  },
  {
    path: ['dataset', 'list'],
    summary: 'List datasets',
    usage: 'lathe dataset list [--project ID]',
    help: { project: 'only the datasets of this project (id or name)' },
    options: { project: { type: 'string' } },
    async run({ values }, ctx) {
      const projectId = await existingProjectId(ctx, values.project);
      const datasets = await callStudio(ctx, 'datasets.list', { projectId });
      const names = await projectNames(ctx);
      ctx.print(datasets, () =>
        formatTable(
          ['ID', 'NAME', 'ROWS', 'COLUMNS', 'FORMAT', 'PROJECT', 'CREATED'],
          datasets.map((d) => [d.id, d.name, formatValue(d.rowCount), d.columns.join(', '), d.format + (d.compressed ? '.gz' : ''), d.projectId === null ? '' : (names.get(d.projectId) ?? d.projectId), d.createdAt.slice(0, 16).replace('T', ' ')]),
          48,
          projectId === undefined
            ? "no datasets yet: import one with 'lathe dataset import FILE --name N' (JSONL, JSON, CSV or TSV)"
            : `project ${values.project as string} has no datasets yet: import one into it with 'lathe dataset import FILE --name N --project ${values.project as string}', or run 'lathe dataset list' for them all`,
        ),
      );
    },
  },
  {
    path: ['dataset', 'show'],
    summary: 'Show a dataset and its first rows',
    usage: 'lathe dataset show ID [--rows K] [--split train|validation|test|all]',
    help: { rows: 'preview rows to print (default 5)', split: 'train, validation, test or all (default all)' },
    positionals: true,
    options: { rows: { type: 'string' }, split: { type: 'string' } },
    async run({ values, positionals }, ctx) {
      const usage = 'lathe dataset show ID [--rows K] [--split train|validation|test|all]';
      if (positionals.length !== 1) throw new UserError(`give one dataset id.\nUsage: ${usage}`);
      const k = numberFlag(values, 'rows', usage, { min: 0, max: 500 }) ?? 5;
      const split = (values.split as string | undefined) ?? 'all';
      const splits = [...SPLITS, 'all'];
      if (!splits.includes(split)) throw new UserError(`--split must be train, validation, test or all; got '${split}'.${didYouMean(split, splits)}\nUsage: ${usage}`);
      const dataset = await callStudio(ctx, 'datasets.get', { id: positionals[0] });
      const page = k > 0
        ? await callStudio(ctx, 'datasets.rows', { id: dataset.id, split: split as 'all', limit: k })
        : { columns: dataset.columns, rows: [], total: dataset.rowCount };
      const cell = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      const project = await projectOf(ctx, dataset);
      ctx.print({ ...dataset, preview: page.rows }, () => {
        if (k === 0) return describeDataset(dataset, project);
        const table = formatTable(page.columns.map((c) => c.toUpperCase()), page.rows.map((r) => page.columns.map((c) => cell(r[c]))), 40);
        return [describeDataset(dataset, project), '', `First ${page.rows.length} of ${plural(page.total, 'row')} (${split}):`, table].join('\n');
      });
    },
  },
  {
    path: ['dataset', 'map'],
    summary: 'Set which column supplies each field training and evaluation read (the column mapping)',
    usage: MAP_USAGE,
    help: {
      ...Object.fromEntries(FIELDS.map((f) => [`${f}-column`, `column for ${f}: ${MAPPING_FIELDS[f]}`])),
      unset: 'comma-separated fields to remove from the mapping',
    },
    positionals: true,
    options: {
      ...Object.fromEntries(FIELDS.map((f) => [`${f}-column`, { type: 'string' as const }])),
      unset: { type: 'string' },
    },
    async run({ values, positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give one dataset name or id.\nUsage: ${MAP_USAGE}`);
      const dataset = await callStudio(ctx, 'datasets.get', { id: positionals[0] });
      const mapping = mappingFromFlags(dataset, values);
      const updated = await callStudio(ctx, 'datasets.setMapping', { id: dataset.id, mapping });
      const project = await projectOf(ctx, updated);
      ctx.print(updated, () => `Mapped dataset ${updated.name}\n${describeDataset(updated, project)}`);
    },
  },
  {
    path: ['dataset', 'delete'],
    summary: "Delete a dataset and its rows (the runs that used it stay, with their scores); refused while a job reads it",
    usage: 'lathe dataset delete DATASET [--json]',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('give one dataset (its id or name).\nUsage: lathe dataset delete DATASET [--json]');
      const dataset = await callStudio(ctx, 'datasets.get', { id: positionals[0] });
      const result = await callStudio(ctx, 'datasets.delete', { id: dataset.id });
      ctx.print(result, () => `Deleted dataset ${dataset.name} (${dataset.id}) and its rows. ${datasetRunsNote(result.kept.runs)}`);
    },
  },
];
