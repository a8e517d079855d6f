// Linear scales and "nice" axis ticks for the SVG charts: round steps (1, 2, 2.5, 5 × 10^k) so that axes read
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

/** Maps [lo, hi] (widened to nice ticks) onto [from, to] pixels. */
export function linearScale(lo: number, hi: number, from: number, to: number, tickCount = 5): Scale {
  if (!(hi > lo)) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep(hi - lo, tickCount);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(Number(t.toFixed(10)));
  const scale = ((v: number) => from + ((v - start) / (end - start || 1)) * (to - from)) as Scale;
  scale.domain = [start, end];
  scale.ticks = ticks;
  return scale;
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
  if (decimals <= 3) return (v) => v.toFixed(decimals);
  // Smaller steps (a learning rate's 5e−5) share one power of ten, as the cards print them: 0.5e−4, 1.0e−4, 1.5e−4.
  // Four fixed decimals printed those three as 0.0001.
  const largest = Math.max(...ticks.map(Math.abs));
  const exp = Math.floor(Math.log10(largest) + 1e-9);
  const mantissa = Math.max(0, exp - power + half);
  return (v) => (v === 0 ? '0' : `${(v / 10 ** exp).toFixed(mantissa)}e${exp < 0 ? '−' : ''}${Math.abs(exp)}`);
}

/** Colours for series, from the design tokens first so charts follow the theme; index by a run's position. */
export const SERIES_COLORS = ['var(--accent)', '#2f9e9e', '#d08a2c', '#b05fc4', '#cd5b7b', '#5f8fc4', '#8a9a3c', '#7b6f63'] as const;
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
