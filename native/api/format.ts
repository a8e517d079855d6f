// Sizes as people read them, the same in the CLI and the studio: parameter counts (260K, 1.24B) and bytes
// (1.6 MB, in steps of 1024). Pure functions; the renderer imports them from here.
export function humanCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e5 ? 0 : 1)}K`;
  return String(n);
}

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : n >= 100 ? 0 : 1)} ${units[i]}`;
}

/**
 * A setting's value as people read it: whole numbers grouped (32,000), small ones in exponent form (1e-5, which
 * a fixed format would round to 0), others to six significant digits. Strings pass through.
 */
export function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(); // shortest exact digits: 1e-5, 1.5e-6
  return String(Number(v.toPrecision(6)));
}

/**
 * A measured value (a loss, a KL, a learning rate, tokens/s) as the CLI's progress lines, the trainers' log lines and
 * the runs' summaries print it: whole numbers grouped (12,345), others to four significant digits (2.346, 0.1235,
 * 1,235), tiny ones in exponent form (1.235e-5, 3e-6), which four decimal places would show as 0.
 */
export function figure(v: number): string {
  return fourDigits(v, false);
}

/** figure() for a value set in a column or tile beside others: its trailing zeros kept (2.100 beside 2.222, not 2.1). */
export function columnFigure(v: number): string {
  return fourDigits(v, true);
}

function fourDigits(v: number, keepZeros: boolean): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const rounded = Number(v.toPrecision(4));
  if (rounded !== 0 && Math.abs(rounded) < 1e-3) return keepZeros ? v.toExponential(3) : rounded.toExponential();
  // in a column, 1.99996 reads 2.000 beside 2.100 (not 2); from 1,000 up four digits are whole anyway
  if (keepZeros && Math.abs(rounded) < 1000) return v.toPrecision(4);
  return Number.isInteger(rounded) ? rounded.toLocaleString('en-US') : String(rounded);
}

/** A count with its noun in the right number: plural(1, 'example') → '1 example', plural(2, 'example') → '2 examples'. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : pluralForm}`;
}

/** A dataset's column mapping as people read it: 'text ← sentence, label ← label' ('' when it maps nothing). */
export function mappingWords(mapping: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(mapping).filter(([, c]) => c !== undefined).map(([f, c]) => `${f} ← ${c}`).join(', ');
}

/**
 * The seed that placed a dataset's rows, as `lathe dataset show` and the Datasets page say it: 'seed 42' when a seeded
 * draw placed the rows of every split that has any, 'train and validation drawn with seed 42' when the others came whole
 * from their own files. null when no draw placed a row (each file kept whole as one split) or when a dataset imported
 * before Lathe recorded its draw cannot tell: a seed that may have placed nothing is not said.
 */
export function splitSeedWords(d: { splits: Readonly<Record<string, number>>; splitSeed: number; drawnSplits?: readonly string[] }): string | null {
  const drawn = d.drawnSplits ?? [];
  if (drawn.length === 0) return null;
  const filled = Object.keys(d.splits).filter((s) => d.splits[s] > 0);
  if (filled.every((s) => drawn.includes(s))) return `seed ${d.splitSeed}`;
  return `${drawn.join(' and ')} drawn with seed ${d.splitSeed}`;
}

/** A noun with its indefinite article, for run kinds in messages: 'a finetune', 'an evaluation', 'an export'. */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/**
 * Time left as a progress line says it: 'under 1s left' (an estimate that rounds to 0 while work remains, where
 * 'about 0s left' read as done), 'about 12s left', 'about 3 min left', 'about 1.5 h left'; null when unknown.
 */
export function timeLeft(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  if (seconds < 0.5) return 'under 1s left';
  if (seconds < 90) return `about ${Math.round(seconds)}s left`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}
