// A horizontal bar chart with 95% confidence-interval whiskers: one bar per item (e.g. one run), the value at
// the bar's end, the interval drawn across it. Horizontal so long run names stay readable. Drawn at its real
// width; every mark has a <title>, and the numbers are also a table (ChartFrame).
import { ChartFrame, Legend } from './ChartFrame.tsx';
import { barScale, clip, clipLabels, tickFormat } from './scale.ts';
import { useWidth } from './useWidth.ts';

export interface BarDatum {
  label: string;
  value: number | null;
  low?: number | null;
  high?: number | null;
  color: string;
  /**
   * Marked with a check and bold label (e.g. the best run). Not by fading the other bars: a series colour at 78%
   * fell under 3:1 against a light card (WCAG 1.4.11).
   */
  highlight?: boolean;
}

const ROW = 30;
const BAR = 14;
const AXIS = 22;
const TOP = 6;
/** About the width of a character of the axis's words (11 px, .chart-axis-label), to cut them to the room they have. */
const AXIS_CHAR = 6.2;
/** What the names' column holds beside the axis's words: the first tick's half ("0" centred on the axis) and a gap each side. */
const UNIT_ROOM = 14;
/** The width of "✓ " before a highlighted name (12 px, bold). */
const CHECK_WIDTH = 16;
/** About the width of a character of a name (12 px, .chart-label), and of a highlighted one (bold). */
const NAME_CHAR = 6.6;
const STRONG_CHAR = 7.4;

/**
 * The names' column: as wide as the longest name needs or the axis's words (`unitWidth`), at most half the chart, where
 * a longer name is cut in the middle and read whole in its title. A fixed column (34% of the chart, at most 170 px) cut
 * run names in the middle while half the card stood empty. Where the chart marks a best bar (any datum says whether it
 * is highlighted), each name has room to be the bold one after its check, so charts of the same runs side by side
 * (Compare) start their bars at one x whichever run each marks.
 */
export function labelColumnWidth(data: readonly Pick<BarDatum, 'label' | 'highlight'>[], unitWidth: number, width: number): number {
  const marks = data.some((d) => d.highlight !== undefined);
  const longest = Math.max(0, ...data.map((d) => Math.ceil(marks ? d.label.length * STRONG_CHAR + CHECK_WIDTH : d.label.length * NAME_CHAR)));
  return Math.min(Math.max(longest, unitWidth, 48), Math.round(width * 0.5));
}

export function BarChart({ title, description, data, format, unit, domain, reference }: {
  title: string;
  description: string;
  data: BarDatum[];
  format(value: number): string;
  /**
   * What the value axis measures (ROUGE-L (0–1), tokens/s, × fp32), written under the bars' names at the axis's start,
   * as a line chart names its axes; cut in the middle where the names' column is too narrow, whole in its title.
   */
  unit?: string;
  /** Fixed axis bounds (e.g. [0, 1] for fractions); otherwise from 0 to the largest value or interval end. */
  domain?: [number, number];
  /** A vertical line, e.g. the project's target, keyed above the chart by its label and value. */
  reference?: { value: number; label: string };
}) {
  const [ref, width] = useWidth<HTMLDivElement>(420);
  // The names' column, which the axis's words end under, is as wide as the names or those words need (labelColumnWidth;
  // at 1024 px two of Compare's charts side by side cut "Exact match (0–1)" in the middle at 34%).
  const unitWidth = unit ? Math.ceil(unit.length * AXIS_CHAR) + UNIT_ROOM : 0;
  const labelWidth = labelColumnWidth(data, unitWidth, width);
  const valueWidth = 64;
  const x0 = labelWidth + 8;
  const x1 = width - valueWidth;
  const ends = data.flatMap((d) => [d.value, d.high ?? null, d.low ?? null]).filter((v): v is number => v !== null && Number.isFinite(v));
  if (reference) ends.push(reference.value);
  const x = barScale(ends, x0, x1, domain);
  const tick = tickFormat(x.ticks);
  const height = TOP + data.length * ROW + AXIS;
  // A highlighted name is bold and follows "✓ ", so fewer of its characters fit: cut to the plain names' length, it ran
  // 15 px past the left edge of the chart, its check cut off by the card (Compare at 700 px).
  const plainLabels = clipLabels(data.map((d) => d.label), Math.floor(labelWidth / NAME_CHAR));
  const strongLabels = clipLabels(data.map((d) => d.label), Math.floor((labelWidth - CHECK_WIDTH) / STRONG_CHAR));
  const shownLabels = data.map((d, i) => (d.highlight ? strongLabels[i] : plainLabels[i]));
  const unitEnd = x(x.ticks[0]) - tick(x.ticks[0]).length * 3.5 - 8;
  const shownUnit = unit && clip(unit, Math.floor(unitEnd / AXIS_CHAR));
  const ci = (d: BarDatum) => (d.low != null && d.high != null ? ` (95% CI ${format(d.low)}–${format(d.high)})` : '');

  return (
    <ChartFrame
      title={title}
      description={description}
      legend={reference ? <Legend items={[{ label: `${reference.label} ${format(reference.value)}`, color: 'var(--warning)', dashed: true }]} /> : undefined}
      table={{ columns: ['', 'Value', '95% CI low', '95% CI high'], rows: data.map((d) => [d.label, d.value === null ? '—' : format(d.value), d.low == null ? '—' : format(d.low), d.high == null ? '—' : format(d.high)]) }}
    >
      {({ titleId, descId }) => (
        <div ref={ref} className="chart-canvas">
          <svg width={width} height={height} role="img" aria-labelledby={`${titleId} ${descId}`}>
            <title>{`${title}: ${data.map((d) => `${d.label} ${d.value === null ? 'no value' : format(d.value)}${ci(d)}`).join('; ')}`}</title>
            {x.ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={TOP - 2} y2={height - AXIS + 2} className="chart-grid" />
                <text x={x(t)} y={height - 6} textAnchor="middle" className="chart-tick">{tick(t)}</text>
              </g>
            ))}
            {unit && <text x={unitEnd} y={height - 6} textAnchor="end" className="chart-axis-label" data-axis="x">{shownUnit !== unit && <title>{unit}</title>}{shownUnit}</text>}
            {data.map((d, i) => {
              const cy = TOP + i * ROW + ROW / 2;
              const start = x(Math.max(x.domain[0], Math.min(0, x.domain[1]))); // 0, or the axis's end nearest it
              return (
                <g key={`${d.label}-${i}`}>
                  <text x={labelWidth} y={cy} dy="0.35em" textAnchor="end" className={d.highlight ? 'chart-label chart-label-strong' : 'chart-label'}>
                    <title>{d.label}</title>
                    {d.highlight ? '✓ ' : ''}{shownLabels[i]}
                  </text>
                  {d.value === null ? (
                    <text x={x0 + 4} y={cy} dy="0.35em" className="chart-tick">not measured</text>
                  ) : (
                    <>
                      <rect x={Math.min(start, x(d.value))} y={cy - BAR / 2} width={Math.max(2, Math.abs(x(d.value) - start))} height={BAR} rx={3} fill={d.color}>
                        <title>{`${d.label}: ${format(d.value)}${ci(d)}`}</title>
                      </rect>
                      {d.low != null && d.high != null && (
                        <g className="chart-whisker">
                          <line x1={x(d.low)} x2={x(d.high)} y1={cy} y2={cy} />
                          <line x1={x(d.low)} x2={x(d.low)} y1={cy - 6} y2={cy + 6} />
                          <line x1={x(d.high)} x2={x(d.high)} y1={cy - 6} y2={cy + 6} />
                        </g>
                      )}
                      <text x={width - 4} y={cy} dy="0.35em" textAnchor="end" className="chart-value">{format(d.value)}</text>
                    </>
                  )}
                </g>
              );
            })}
            {reference && reference.value >= x.domain[0] && reference.value <= x.domain[1] && (
              <g className="chart-reference">
                <line x1={x(reference.value)} x2={x(reference.value)} y1={TOP - 4} y2={height - AXIS + 4} />
                <title>{`${reference.label}: ${format(reference.value)}`}</title>
              </g>
            )}
          </svg>
        </div>
      )}
    </ChartFrame>
  );
}
