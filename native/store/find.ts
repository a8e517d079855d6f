// Looking a row up by what a person typed — an id, or a name where the table's rows have one — with one
// rule and one error for every table, so the studio, the CLI and the job workers say the same thing when
// nothing matches: what was looked for, what exists, and where to get one.
import { StudioError } from '../api/errors.ts';
import { closestChoice } from '../api/suggest.ts';

export interface Lookup {
  /** 'model', 'dataset', …: the word the message uses. */
  noun: string;
  /** The table's id prefix (newId): a key that starts with it was meant as an id, not a name. */
  idPrefix: string;
  /** What to do about it: where the choices are listed, or how to make one. */
  advice: string;
}

/** How many names a message lists before it says how many more there are. */
const MAX_CHOICES = 12;

function choicesText(noun: string, names: readonly string[]): string {
  if (names.length === 0) return ` (no ${noun}s yet)`;
  const shown = names.slice(0, MAX_CHOICES).join(', ');
  const more = names.length > MAX_CHOICES ? ` and ${names.length - MAX_CHOICES} more` : '';
  return ` (${noun}s: ${shown}${more})`;
}

/**
 * The not_found error for `key`. `names` lists the choices (null where a list would be too long to help,
 * as for runs and jobs); `field` is the parameter that carried the key. A name one typo away from one that exists
 * is named first ('s26k' → s260k), from every name, not only those the list shows.
 */
export function notFound(lookup: Lookup, key: string, names: readonly string[] | null, field: string): StudioError {
  const byId = key.startsWith(`${lookup.idPrefix}_`);
  // a table found by id only (runs, jobs: names === null) has no names to miss: 'RUN' is an id that is not there
  const head = byId ? `${lookup.noun} ${key} does not exist` : names === null ? `no ${lookup.noun} has the id '${key}' (${lookup.noun} ids begin ${lookup.idPrefix}_)` : `no ${lookup.noun} named '${key}'`;
  // a key of one or two letters is a letter away from every short name: no guess for those
  const guess = byId || names === null || key.length < 3 ? undefined : closestChoice(key, names);
  const meant = guess === undefined ? '' : `; did you mean '${guess}'?`;
  const choices = names === null ? '' : choicesText(lookup.noun, names);
  return new StudioError('not_found', `${head}${meant}${choices}; ${lookup.advice}`, { id: key, field });
}

/** The row found by id, or a not_found error for `key` (tables whose rows are found by id only). */
export function foundById<T>(byId: T | undefined, key: string, lookup: Lookup, field: string): T {
  if (byId === undefined) throw notFound(lookup, key, null, field);
  return byId;
}

/** The row with id `key`, else the first (oldest) row named `key`, else a not_found error. */
export function findByIdOrName<T extends { id: string; name: string }>(
  byId: T | undefined,
  all: () => readonly T[],
  key: string,
  lookup: Lookup,
  field: string,
): T {
  if (byId) return byId;
  const rows = all();
  const named = rows.find((r) => r.name === key);
  if (named) return named;
  throw notFound(lookup, key, rows.map((r) => r.name), field);
}
