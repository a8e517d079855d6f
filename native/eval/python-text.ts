// String operations that behave like their Python counterparts. The reference metric packages (rouge-score,
// sacrebleu, SQuAD's script) are Python, and where JavaScript's built-ins differ in small ways — which characters
// count as whitespace, what `\b` means — scores would drift on unusual text. These helpers pin that down once.

/**
 * Python's `str.isspace()` set, used by `str.split()` with no argument. JavaScript's `\s` differs: it includes
 * U+FEFF and omits U+001C–U+001F and U+0085.
 */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, 'g');
const PY_WHITESPACE_EDGES = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');
const PY_TRAILING_WHITESPACE = new RegExp(`[${PY_WHITESPACE}]+$`);

/** Python's `text.split()`: split on runs of whitespace, no empty strings. */
export function pySplit(text: string): string[] {
  const trimmed = text.replace(PY_WHITESPACE_EDGES, '');
  return trimmed === '' ? [] : trimmed.split(PY_WHITESPACE_RUN);
}

/** Python's `text.rstrip()`. */
export function pyRstrip(text: string): string {
  return text.replace(PY_TRAILING_WHITESPACE, '');
}

/** Python's `''.join(text.split())`: drop every whitespace character. */
export function pyRemoveWhitespace(text: string): string {
  return text.replace(PY_WHITESPACE_RUN, '');
}

/** Python's `string.punctuation`: the 32 ASCII punctuation characters. */
export const ASCII_PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** Count occurrences, like `collections.Counter(items)`. */
export function countItems<T>(items: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Size of the multiset intersection, like `sum((a & b).values())`. */
export function overlapCount<T>(a: Map<T, number>, b: Map<T, number>): number {
  let overlap = 0;
  for (const [item, count] of a) {
    const other = b.get(item);
    if (other !== undefined) overlap += Math.min(count, other);
  }
  return overlap;
}

/** F-measure with β (β = 1 gives the harmonic mean); 0 when precision and recall are both 0. */
export function fMeasure(precision: number, recall: number, beta = 1): number {
  const b2 = beta * beta;
  const denominator = b2 * precision + recall;
  return denominator > 0 ? ((1 + b2) * precision * recall) / denominator : 0;
}
