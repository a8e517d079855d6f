// How a data table's column of stored text takes its width (.cell-short / .cell-long in components.css), for every
// table that shows rows as stored: the dataset preview (Evaluate's first predictions share a fixed width instead,
// evaluate.css); and how a stored column's name sits in such a table's header; and where a name breaks in a narrow
// column.
import { Fragment } from 'react';

/** A value this long or shorter, on one line, is short. */
export const SHORT_CELL = 32;

/**
 * The class for a column's cells, from the values it shows on this page: a column of short values keeps each on one
 * line (cell-short); a column with any longer one wraps them in at least 16em (cell-long), so beside a long column a
 * short one is not squeezed to a few words a line and the table scrolls sideways in its box instead.
 */
export function columnFit(values: readonly string[]): 'cell-short' | 'cell-long' {
  return values.every((v) => !v.includes('\n') && v.length <= SHORT_CELL) ? 'cell-short' : 'cell-long';
}

/**
 * A stored column's name in a table's header: it may break after each underscore (a long snake_case name stayed on
 * one line and made its column as wide as the name), no wider than a long column's least width; the whole name in
 * its title.
 */
export function ColumnName({ name }: { name: string }) {
  const parts = name.split(/(?<=_)/);
  return <span className="column-name" title={name}>{parts.map((part, i) => <Fragment key={i}>{i > 0 && <wbr />}{part}</Fragment>)}</span>;
}

/**
 * A file's path in a table cell: it may break after each separator, so a narrow column wraps it between folders
 * (".../adapter/" / "adapter_model.safetensors") instead of mid-name ("adapter_m" / "odel"); a name too long for the
 * column on its own still breaks inside it (.path-text).
 */
export function PathText({ path }: { path: string }) {
  const parts = path.split(/(?<=[/\\])/);
  return <span className="path-text">{parts.map((part, i) => <Fragment key={i}>{i > 0 && <wbr />}{part}</Fragment>)}</span>;
}

/**
 * A moment in a table cell, its date and its time each kept whole: in a narrow table the time goes under the date
 * ("Dec 7, 2026," / "2:36 AM") instead of the whole stamp holding its column one line wide. Its cell takes
 * .cell-when: one line in a wide window, where a long name beside it would otherwise take the room.
 */
export function DateTimeCell({ iso }: { iso: string }) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{iso}</>;
  return (
    <time dateTime={iso}>
      <span className="nowrap">{date.toLocaleDateString(undefined, { dateStyle: 'medium' })},</span>{' '}
      <span className="nowrap">{date.toLocaleTimeString(undefined, { timeStyle: 'short' })}</span>
    </time>
  );
}

/**
 * A user's name in a narrow column: it wraps at its spaces, each hyphenated word kept whole where it fits on a line
 * ("lora on" / "dialogsum-dev", not "lora on dialogsum-" / "dev"); a word longer than the line still breaks
 * (.whole-word). The text stays as typed, real hyphens and all, so it copies into the CLI as it is named, which a
 * non-breaking hyphen (\u2011, used for generated labels) would not.
 */
export function WholeWords({ text }: { text: string }) {
  return <>{text.split(/(\s+)/).map((part, i) => (part.includes('-') ? <span key={i} className="whole-word">{part}</span> : part))}</>;
}
