// A line chart over ordered steps (runs in the order they finished, training steps…): one line per series,
// an optional shaded 95% interval band, and an optional dashed reference line such as the project's target.
// Points carry <title>s; the numbers are also a table (ChartFrame).
import { ChartFrame, Legend } from './ChartFrame.tsx';
import { clip, linearScale, tickFormat } from './scale.ts';
import { useWidth } from './useWidth.ts';

export interface LinePoint { y: number; low?: number | null; high?: number | null }
export interface LineSeries { name: string; color: string; points: (LinePoint | null)[] }

const PAD = { top: 12, right: 16, bottom: 28, left: 44 };
/** Room above the plot for the y axis's words, so they never meet the top tick label. */
const Y_LABEL_ROOM = 14;

export function LineChart({ title, description, yLabel, xName = 'Step', xLabels, series, format, domain, reference, height = 200 }: {
  title: string;
  description: string;
  /** What the y values are (the metric's label, its unit where it has one), written above the tick labels. */
  yLabel: string;
  /** What one x position is (a step, a run): the table's first column. */
  xName?: string;
  /** One label per step; series' points line up with them. */
  xLabels: string[];
  series: LineSeries[];
  format(value: number): string;
  domain?: [number, number];
  /** A dashed line; `text` prints its value when `format` should not (a target as the project states it: 0.35, not 0.350). */
  reference?: { value: number; label: string; text?: string };
  height?: number;
}) {
  const [ref, width] = useWidth<HTMLDivElement>(520);
  const values = series.flatMap((s) => s.points.flatMap((p) => (p ? [p.y, p.low ?? p.y, p.high ?? p.y] : [])));
  if (reference) values.push(reference.value);
  const lo = domain ? domain[0] : Math.min(0, ...values);
  const hi = domain ? domain[1] : Math.max(lo + 1e-9, ...values) * 1.05;
  const y = linearScale(lo, hi, height - PAD.bottom, PAD.top + Y_LABEL_ROOM, 4);
  const tick = tickFormat(y.ticks);
  const n = xLabels.length;
  const x = (i: number) => (n <= 1 ? (PAD.left + width - PAD.right) / 2 : PAD.left + (i / (n - 1)) * (width - PAD.left - PAD.right));
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor((width - PAD.left) / 90))));
  const runs = (s: LineSeries) => {
    // Split a series at missing points so the line does not pretend to know them.
    const parts: { i: number; p: LinePoint }[][] = [[]];
    s.points.forEach((p, i) => (p ? parts[parts.length - 1].push({ i, p }) : parts.push([])));
    return parts.filter((part) => part.length > 0);
  };

  const referenceItem = reference ? [{ label: `${reference.label} ${reference.text ?? format(reference.value)}`, color: 'var(--warning)', dashed: true }] : [];
  const legendItems = [...series.map((s) => ({ label: s.name, color: s.color })), ...referenceItem];
  // The accessible table: a column per series, and the first series' 95% interval where it has one.
  const first = series[0]?.points ?? [];
  const withInterval = first.some((p) => p?.low != null);
  const interval = (p: LinePoint | null | undefined) => (p?.low != null ? `${format(p.low)}–${format(p.high!)}` : '—');
  const tableRows = xLabels.map((label, i) => [
    label,
    ...series.map((s) => (s.points[i] ? format(s.points[i]!.y) : '—')),
    ...(withInterval ? [interval(first[i])] : []),
  ]);

  return (
    <ChartFrame
      title={title}
      description={description}
      legend={series.length > 1 || reference ? <Legend items={legendItems} /> : undefined}
      table={{ columns: [xName, ...series.map((s) => s.name), ...(withInterval ? ['95% CI'] : [])], rows: tableRows }}
    >
      {({ titleId, descId }) => (
        <div ref={ref} className="chart-canvas">
          <svg width={width} height={height} role="img" aria-labelledby={`${titleId} ${descId}`}>
            <title>{`${title}: ${series.map((s) => `${s.name} ${s.points.map((p, i) => `${xLabels[i]} ${p ? format(p.y) : 'none'}`).join(', ')}`).join('; ')}`}</title>
            <text x={2} y={10} className="chart-axis-label" data-axis="y">{yLabel}</text>
            {y.ticks.map((t) => (
              <g key={t}>
                <line x1={PAD.left} x2={width - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
                <text x={PAD.left - 6} y={y(t)} dy="0.35em" textAnchor="end" className="chart-tick">{tick(t)}</text>
              </g>
            ))}
            {xLabels.map((label, i) => (i % labelEvery === 0 || i === n - 1) && (
              <text key={i} x={x(i)} y={height - 8} textAnchor={n > 1 && i === n - 1 ? 'end' : n > 1 && i === 0 ? 'start' : 'middle'} className="chart-tick"><title>{label}</title>{clip(label, 16)}</text>
            ))}
            {series.map((s) => runs(s).map((part, k) => {
              const band = part.every(({ p }) => p.low != null && p.high != null) && part.length > 1
                ? `M${part.map(({ i, p }) => `${x(i)},${y(p.high!)}`).join('L')}L${[...part].reverse().map(({ i, p }) => `${x(i)},${y(p.low!)}`).join('L')}Z`
                : null;
              return (
                <g key={`${s.name}-${k}`}>
                  {band && <path d={band} fill={s.color} opacity={0.13} />}
                  <path d={`M${part.map(({ i, p }) => `${x(i)},${y(p.y)}`).join('L')}`} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
                  {part.map(({ i, p }) => (
                    <g key={i}>
                      {p.low != null && p.high != null && <line x1={x(i)} x2={x(i)} y1={y(p.low)} y2={y(p.high)} stroke={s.color} strokeWidth={1.5} opacity={0.55} />}
                      <circle cx={x(i)} cy={y(p.y)} r={4} fill="var(--surface)" stroke={s.color} strokeWidth={2}>
                        <title>{`${s.name} · ${xLabels[i]}: ${format(p.y)}${p.low != null && p.high != null ? ` (95% CI ${format(p.low)}–${format(p.high)})` : ''}`}</title>
                      </circle>
                    </g>
                  ))}
                </g>
              );
            }))}
            {reference && reference.value >= y.domain[0] && reference.value <= y.domain[1] && (
              <g className="chart-reference">
                <line x1={PAD.left} x2={width - PAD.right} y1={y(reference.value)} y2={y(reference.value)} />
                <text x={width - PAD.right} y={y(reference.value) - 5} textAnchor="end" className="chart-reference-label">{reference.label} {reference.text ?? format(reference.value)}</text>
              </g>
            )}
          </svg>
        </div>
      )}
    </ChartFrame>
  );
}
