// "Did you mean": the nearest of the names or values Lathe knows to one the user mistyped — a command word, a
// flag (cli.ts), a value of a flag that takes one of a fixed set (--metrics rogue → rouge), or a request argument
// or model name sent to the OpenAI-compatible server (native/openai). Pure, so every layer may use it.

/** Edit distance (optimal string alignment): insertions, deletions, substitutions and swaps of two neighbours, 1 each. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to a mistyped word, when it is near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}

/**
 * A value as compared with the allowed ones: case, '-', '_' and spaces left out, and British -ise/-isation spelled
 * -ize/-ization (rouge-L → rougel, summarisation → summarization).
 */
function normalised(value: string): string {
  return value.toLowerCase().replace(/is(e|ed|es|ing|ation|ations)\b/g, 'iz$1').replace(/[-_\s]/g, '');
}

/**
 * The allowed value `value` was most likely meant to be, or undefined when none is clearly meant: the only one equal
 * to it once normalised, else the only one nearest to it, within a typo's distance (a third of its letters, at least 1).
 * Two equally near: no guess.
 */
export function closestChoice(value: string, allowed: readonly string[]): string | undefined {
  const typed = normalised(value);
  const same = allowed.filter((a) => normalised(a) === typed);
  if (same.length > 0) return same.length === 1 ? same[0] : undefined;
  const distances = allowed.map((a) => editDistance(typed, normalised(a)));
  const best = Math.min(...distances);
  const nearest = allowed.filter((_, i) => distances[i] === best);
  return nearest.length === 1 && best <= Math.max(1, Math.floor(typed.length / 3)) ? nearest[0] : undefined;
}

/** " Did you mean 'rouge'?" after a refused value, or '' when no allowed value is clearly meant (closestChoice). */
export function didYouMean(value: string, allowed: readonly string[]): string {
  const guess = closestChoice(value, allowed);
  return guess === undefined ? '' : ` Did you mean '${guess}'?`;
}

/** A file name without its last extension ('dev.jsonl' → 'dev'; '.env' and 'README' stay as they are). */
function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The names in a folder (`siblings`) that a missing `name` was most likely meant to be, best first and at most three:
 * the same name in other letter case (Dev.jsonl); else the same stem with another extension, or one more or one
 * fewer (dev.json → dev.jsonl, dev → dev.jsonl, data.jsonl → data.jsonl.gz); else a name one typo away (a letter
 * added, dropped, changed, or two swapped). Empty when none is clearly meant.
 */
export function nearFileNames(name: string, siblings: readonly string[]): string[] {
  const typed = name.toLowerCase();
  const lower = siblings.map((s) => [s, s.toLowerCase()] as const);
  const tiers = [
    lower.filter(([, s]) => s === typed),
    lower.filter(([, s]) => s !== typed && (stem(s) === stem(typed) || s === stem(typed) || stem(s) === typed)),
    lower.filter(([, s]) => editDistance(typed, s) === 1),
  ];
  const tier = tiers.find((t) => t.length > 0) ?? [];
  return tier.map(([s]) => s).sort().slice(0, 3);
}

/** "a", "a or b", "a, b or c": the names a "did you mean" offers. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
