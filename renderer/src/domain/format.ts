// Formatting shared by the pages: dates, durations, counts and short hashes.
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDuration(startIso: string | null, endIso: string | null): string {
  if (!startIso) return '—';
  return formatMilliseconds((endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso));
}

/**
 * How long a finished run ran: its time spent running when known (a cancelled and resumed run's pause left out),
 * else from its start to its end.
 */
export function formatRunTime(run: { startedAt: string | null; finishedAt: string | null; activeSeconds?: number | null }): string {
  return run.activeSeconds != null && run.finishedAt ? formatMilliseconds(run.activeSeconds * 1000) : formatDuration(run.startedAt, run.finishedAt);
}

function formatMilliseconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  // ISO timestamps count whole milliseconds: 0 means it ended within the same one.
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  // Round once, so 119.7 s reads "2 min 0 s", not "1 min 60 s".
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${seconds % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

export function shortHash(hash: string): string {
  const bare = hash.replace(/^sha256:/, '');
  return bare.length > 16 ? `${bare.slice(0, 12)}…` : bare;
}

/**
 * A number's text as the UI shows it: a negative value and a negative exponent with the typographic minus, not a
 * hyphen (−2.31, 2.0e−3), as formatSigned writes changes; a value that rounds to zero carries no sign (0.000, not
 * −0.000). For the studio's pages only: the CLI's text and JSON keep the ASCII hyphen that scripts parse.
 */
export function withTrueMinus(text: string): string {
  const unsigned = text.startsWith('-') && Number.parseFloat(text) === 0 ? text.slice(1) : text;
  return unsigned.replaceAll('-', '−');
}

/**
 * A signed change as Lathe prints every change: +0.143, −0.105 (the typographic minus, not a hyphen), ±0.000 for
 * none. `magnitude` formats the absolute value; a change that rounds to nothing there reads ± too, so "−0.000" never
 * shows.
 */
export function formatSigned(value: number, magnitude: (v: number) => string = (v) => v.toFixed(3)): string {
  const text = magnitude(Math.abs(value));
  const sign = value === 0 || Number.parseFloat(text) === 0 ? '±' : value > 0 ? '+' : '−';
  return `${sign}${text}`;
}
