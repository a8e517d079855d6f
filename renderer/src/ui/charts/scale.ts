// Linear and log scales and "nice" axis ticks for the SVG charts: round steps (1, 2, 2.5, 5 × 10^k) so that axes read
// 0, 0.05, 0.10 … rather than 0, 0.0437, 0.0874.
import { withTrueMinus } from '../../domain/format.ts';

export interface Scale {
  (value: number): number;
  domain: [number, number];
  ticks: number[];
}

export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 2.5 ? 2.5 : unit <= 5 ? 5 : 10) * power;
}

/**
 * A nice step for an axis of whole numbers (training steps, PPO iterations): never under 1, and 5 × 10^k where the
 * plain step would be 2.5 × 10^k with k 0 (a 20-step run's axis read 0.0, 2.5, 5.0 … 17.5, steps that do not exist).
 */
function wholeStep(step: number): number {
  if (step <= 1) return 1;
  return Number.isInteger(step) ? step : step * 2;
}

/** The mantissas of a nice linear step: 1, 2, 2.5 and 5 × 10^k. */
const STEP_MANTISSAS = [1, 2, 2.5, 5] as const;

/** How much of an axis its data should cover: where a step leaves more than a fifth of it empty, a finer one is sought. */
const MIN_COVER = 0.8;

/**
 * The step of an axis over [lo, hi], of the nice steps that make between 2 and `most` intervals: among those whose
 * data cover at least MIN_COVER of the axis, the one nearest `count` intervals (then the tighter); where none does, the
 * tightest. The first nice step at or above span / count (niceStep) ran a narrow chart's axis far past its bars:
 * 2,764 tokens/s on 0–4k, a perplexity of 216 on 0–400. Null where no step makes 2 intervals (a whole-number axis of
 * one step).
 */
export function tightStep(lo: number, hi: number, count: number, most: number, whole = false): number | null {
  const span = hi - lo;
  const candidates: { step: number; cover: number; off: number }[] = [];
  for (let k = Math.floor(Math.log10(span / most)) - 1; k <= Math.ceil(Math.log10(span)) + 1; k++) {
    for (const m of STEP_MANTISSAS) {
      const step = Number((m * 10 ** k).toPrecision(12));
      if (whole && (step < 1 || !Number.isInteger(step))) continue;
      const start = Math.floor(lo / step + 1e-9) * step;
      const end = Math.ceil(hi / step - 1e-9) * step;
      const intervals = Math.round((end - start) / step);
      if (intervals >= 2 && intervals <= most) candidates.push({ step, cover: span / (end - start), off: Math.abs(intervals - count) });
    }
  }
  const covering = candidates.filter((c) => c.cover >= MIN_COVER - 1e-9);
  const pick = covering.length > 0
    ? covering.sort((a, b) => a.off - b.off || b.cover - a.cover)[0]
    : candidates.sort((a, b) => b.cover - a.cover || a.off - b.off)[0];
  return pick?.step ?? null;
}

/**
 * Maps [lo, hi] (widened to nice ticks) onto [from, to] pixels. About `tickCount` intervals, and up to `maxCount`
 * (by default as many) where fewer would leave much of the axis empty (tightStep). `whole`: the values are whole numbers
 * (steps), so the ticks are too.
 */
export function linearScale(lo: number, hi: number, from: number, to: number, tickCount = 5, { whole = false, maxCount = tickCount } = {}): Scale {
  if (!(hi > lo)) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const nice = niceStep(hi - lo, tickCount);
  const step = tightStep(lo, hi, tickCount, Math.max(tickCount, maxCount), whole) ?? (whole ? wholeStep(nice) : nice);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  const scale = ((v: number) => from + ((v - start) / (end - start || 1)) * (to - from)) as Scale;
  scale.domain = [start, end];
  scale.ticks = ticks;
  return scale;
}

/**
 * A linear scale along [from, to] px whose tick labels fit side by side: about one interval per `spacing` px, and up
 * to twice as many where fewer would leave much of the axis empty and every label (tickFormat, `charWidth` px a
 * character, `gap` px apart) still fits its interval. A bar chart a third of a card wide had room for 0, 1k, 2k, 3k but was given
 * two intervals, and drew 2,764 on 0–4k.
 */
export function fittedLinearScale(lo: number, hi: number, from: number, to: number, { spacing = 70, charWidth = 6.6, gap = 10 } = {}): Scale {
  const length = Math.abs(to - from);
  const count = Math.max(2, Math.floor(length / spacing));
  for (let most = 2 * count; most > count; most--) {
    const scale = linearScale(lo, hi, from, to, count, { maxCount: most });
    const text = tickFormat(scale.ticks);
    const widest = Math.max(...scale.ticks.map((t) => text(t).length)) * charWidth + gap;
    if (length / (scale.ticks.length - 1) >= widest) return scale;
  }
  return linearScale(lo, hi, from, to, count);
}

/**
 * A bar chart's value axis along [from, to] px: from 0 (or the lowest value, where one is below 0) to the highest, or
 * over `domain` where given, ticks fitted to the room (fittedLinearScale). No room is added past the top: the values
 * have their own column, and 8% more took a Size chart's 1.00× past its tick at 1, to an axis of 0–2.
 */
export function barScale(values: readonly number[], from: number, to: number, domain?: readonly [number, number]): Scale {
  const finite = values.filter((v) => Number.isFinite(v));
  const lo = domain ? domain[0] : Math.min(0, ...finite);
  const top = Math.max(lo, ...finite);
  // All values at zero (or one value): a unit span instead of a degenerate one.
  const hi = domain ? domain[1] : top > lo ? top : lo + 1;
  return fittedLinearScale(lo, hi, from, to);
}

/** The mantissas of log ticks, sparsest first: whole decades, then 1-2-5, then every digit for a span under a decade. */
const LOG_MANTISSAS = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] as const;

/** Every m × 10^k (m from `mantissas`) from the largest at or below lo to the smallest at or above hi. */
function logTicksWith(lo: number, hi: number, mantissas: readonly number[]): number[] {
  const round = (v: number) => Number(v.toPrecision(12)); // 3 × 10^−1 is 0.30000000000000004 in floating point
  const values: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) {
    for (const m of mantissas) values.push(round(m * 10 ** k));
  }
  const start = Math.max(...values.filter((v) => v <= lo * (1 + 1e-9)));
  const end = Math.min(...values.filter((v) => v >= hi * (1 - 1e-9)));
  return values.filter((v) => v >= start && v <= end);
}

/**
 * Maps [lo, hi] (both above 0, widened to the ticks around them) onto [from, to] pixels by log10, so a loss that
 * falls from 10 to 1 early and from 1 to 0.5 later shows both. Ticks are 1, 2, 5 × 10^k; a span of less than a
 * decade takes every digit where they fit in `maxTicks` (2, 3 … 7 rather than 2, 5, 10, which left the top third
 * empty), and one of many decades whole decades only, every n-th where even those are too many. Returns null where lo is not above 0: such values have no place on a log axis.
 */
export function logScale(lo: number, hi: number, from: number, to: number, maxTicks = 7): Scale | null {
  if (!(lo > 0) || !Number.isFinite(hi)) return null;
  if (!(hi > lo)) hi = lo * 1.1;
  const [decades, oneTwoFive, digits] = LOG_MANTISSAS.map((m) => logTicksWith(lo, hi, m));
  let ticks = digits.length <= maxTicks ? digits : oneTwoFive.length <= maxTicks ? oneTwoFive : decades;
  if (ticks.length > maxTicks) {
    const every = Math.ceil((ticks.length - 1) / (maxTicks - 1));
    // Every n-th decade from the one at or below lo, and one more past hi where the last one kept falls short of it.
    ticks = ticks.filter((_, i) => i % every === 0);
    if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] * 10 ** every).toPrecision(12)));
  }
  const [start, end] = [ticks[0], ticks[ticks.length - 1]];
  const span = Math.log10(end) - Math.log10(start) || 1;
  const scale = ((v: number) => from + ((Math.log10(v) - Math.log10(start)) / span) * (to - from)) as Scale;
  scale.domain = [start, end];
  scale.ticks = ticks;
  return scale;
}

/**
 * A log axis's tick label: each tick m × 10^k on its own terms (its steps are not even, so tickFormat's shared
 * decimals do not apply): 0.05, 0.2, 1, 20, 2k, 5M, and 1e−4 below a thousandth, as the linear labels print them.
 */
export function logTickFormat(v: number): string {
  const power = Math.floor(Math.log10(v) + 1e-9);
  const mantissa = Math.round(v / 10 ** power);
  for (const [exp, suffix] of [[6, 'M'], [3, 'k']] as const) {
    if (power >= exp) return `${Number((v / 10 ** exp).toPrecision(12))}${suffix}`;
  }
  if (power >= -3) return v.toFixed(Math.max(0, -power));
  return `${mantissa}e−${-power}`;
}

/** A tick label with no more decimals than the step needs; a negative one with the true minus (−7.5), as the cards print it. */
export function tickFormat(ticks: readonly number[]): (v: number) => string {
  const text = tickText(ticks);
  return (v) => withTrueMinus(text(v));
}

function tickText(ticks: readonly number[]): (v: number) => string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const power = Math.floor(Math.log10(step) + 1e-9);
  // a step of 2.5 × 10^k needs one decimal more than its power: 0.25 → 2, 2.5 → 1 (−7.5, not −8), 25 → 0
  const half = Math.abs(step / 10 ** power - 2.5) < 1e-9 ? 1 : 0;
  // Steps of thousands read in k (and millions in M), so a throughput axis says 20k, not 20000.
  for (const [exp, suffix] of [[6, 'M'], [3, 'k']] as const) {
    if (power >= exp) return (v) => `${(v / 10 ** exp).toFixed(Math.max(0, exp - power + half))}${v === 0 ? '' : suffix}`;
  }
  const decimals = Math.max(0, -power + half);
  // Steps down to a ten-thousandth read as plain decimals (0.0025, 0.0050): a small metric's axis read 2.5e−3.
  if (decimals <= 4) return (v) => v.toFixed(decimals);
  // Smaller steps (a learning rate's 5e−5) share one power of ten, as the cards print them: 0.5e−4, 1.0e−4, 1.5e−4.
  // Four fixed decimals printed those three as 0.0001.
  const largest = Math.max(...ticks.map(Math.abs));
  const exp = Math.floor(Math.log10(largest) + 1e-9);
  const mantissa = Math.max(0, exp - power + half);
  return (v) => (v === 0 ? '0' : `${(v / 10 ** exp).toFixed(mantissa)}e${exp < 0 ? '−' : ''}${Math.abs(exp)}`);
}

/**
 * Colours for series, index by a run's position: the design tokens --series-1 … --series-8 (styles/tokens.css), so
 * a chart follows the theme and each series keeps 3:1 against the card it is drawn on, light and dark. SVG takes
 * var() in fill and stroke; a canvas must resolve it first (getComputedStyle).
 */
export const SERIES_COLORS = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)', 'var(--series-5)', 'var(--series-6)', 'var(--series-7)', 'var(--series-8)'] as const;
export const seriesColor = (i: number): string => SERIES_COLORS[i % SERIES_COLORS.length];

/**
 * Cuts a label to about `max` characters for an SVG text (the full text goes in a <title>), in the middle: run
 * names differ at their end as often as at their start ("harbour · questions/all · bm25" and "… · dense").
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = Math.max(2, max - 1);
  const head = Math.ceil(kept / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (kept - head))}`;
}

/**
 * Labels of one chart cut to `max` characters: when some would be cut, the start they all share (up to a word
 * boundary) is dropped first, so what tells them apart stays; the rest are cut in the middle (clip).
 */
export function clipLabels(labels: string[], max: number): string[] {
  if (labels.every((l) => l.length <= max)) return labels;
  let shared = labels.length > 1 ? labels.reduce((prefix, l) => { let i = 0; while (i < prefix.length && prefix[i] === l[i]) i++; return prefix.slice(0, i); }) : '';
  // Back to the end of a word, and never the whole of a label.
  const boundary = Math.max(shared.lastIndexOf(' '), shared.lastIndexOf('/')) + 1;
  shared = shared.slice(0, boundary);
  const rest = shared.length >= 4 && labels.every((l) => l.length > shared.length) ? labels.map((l) => `…${l.slice(shared.length)}`) : labels;
  return rest.map((l) => clip(l, max));
}
