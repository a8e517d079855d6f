// A training curve over optimiser steps: x is the step number on a real axis (validation loss, measured every
// N steps, draws as its own line across the same steps as training loss), fixed to the run's planned length so
// the line visibly advances. Written here rather than with ui/charts' LineChart, whose x axis is categorical
// (one label per point, a line broken at every missing point); it reuses that kit's frame, legend and scales.
import { useId } from 'react';
import { downsampleMinMax } from '../../../../native/api/downsample.ts';
import { AxisScaleSwitch, ChartFrame, Legend } from '../../ui/charts/ChartFrame.tsx';
import { linearScale, logScale, logTickFormat, tickFormat, type Scale } from '../../ui/charts/scale.ts';
import { useAxisScale, type AxisScale } from '../../ui/charts/useAxisScale.ts';
import { useWidth } from '../../ui/charts/useWidth.ts';
import type { MetricPoint } from './useRunMetrics.ts';
import '../../ui/charts/charts.css';

export interface CurveSeries { name: string; color: string; points: MetricPoint[]; dashed?: boolean; dots?: boolean }

const PAD = { top: 10, right: 14, bottom: 24, left: 48 };
/** Room above the plot for the y axis's words, so they never meet the top tick label. */
const Y_LABEL_ROOM = 14;
/** The left edge of the plot under an x axis counting iterations: "iteration", written before the first tick, is wider than "step". */
const LEFT_FOR_ITERATIONS = 60;
const TABLE_ROWS = 60;

/** Keeps at most `max` points: the first, the last and each bucket's lowest and highest, so spikes still draw. */
function thin(points: MetricPoint[], max: number): MetricPoint[] {
  return downsampleMinMax(points, max, (p) => p.value);
}

/** At most ~`max` evenly spaced items, the first and last included (the table's rows: steps, not values). */
function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const every = items.length / max;
  return [...Array.from({ length: max }, (_, i) => items[Math.floor(i * every)]), items[items.length - 1]];
}

/**
 * The y axis over `values` (pixels `from` at the bottom to `to` at the top) and its tick labels. Log where asked and
 * every value is above 0. logUnavailable: a value is 0 or below, so a log axis cannot draw this chart whatever was
 * asked; the chart's switch then offers linear alone and says why.
 */
export function yAxis(values: number[], { scale, zero, ceiling }: { scale: AxisScale; zero: boolean; ceiling?: number }, from: number, to: number): { y: Scale; yTick(v: number): string; log: boolean; logUnavailable: boolean } {
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const logUnavailable = values.length > 0 && !(lo > 0);
  const log = scale === 'log' && values.length > 0 ? logScale(lo, hi, from, to) : null;
  if (log) return { y: log, yTick: logTickFormat, log: true, logUnavailable };
  const spread = hi - lo || Math.abs(hi) * 0.1 || 1;
  // Losses and rates never go below 0, so their axis stops there; rewards and log-probabilities do, and their axis follows.
  // (A first step measured as −1e−5 where the policy equals the reference is 0, not a reason for a negative axis.)
  const floor = lo < -spread * 0.01 ? lo - spread * 0.08 : zero ? 0 : Math.max(0, lo - spread * 0.08);
  const y = linearScale(floor, ceiling ?? hi + spread * 0.08, from, to, 4);
  return { y, yTick: tickFormat(y.ticks), log: false, logUnavailable };
}

export function TrainingChart({ title, description, series, format, axisFormat, yLabel, xLabel = 'step', xMax, zero = false, ceiling, reference, scaleKind, height = 170, testId }: {
  title: string;
  description: string;
  /**
   * What the y values are (Loss, Learning rate, tokens/s), written above the tick labels as the x axis's word is
   * written before its ticks; from trainingMetrics.ts (yAxisOf, axisLabelOf), one word per metric.
   */
  yLabel: string;
  /** What the x axis counts: optimiser steps, or PPO's iterations (stepUnitOf). */
  xLabel?: 'step' | 'iteration';
  series: CurveSeries[];
  format(value: number): string;
  /** The y axis's tick labels in the metric's own notation (a learning rate's 2.0e−3, as its tile reads it); else as many decimals as the step needs. */
  axisFormat?(value: number): string;
  /** The run's planned last step, when known: the axis ends there. */
  xMax?: number | null;
  /** Start the y axis at 0 (throughput, memory) instead of near the smallest value (loss); negative values always show. */
  zero?: boolean;
  /** The y axis ends here whatever the values (a share: 1). */
  ceiling?: number;
  reference?: { value: number; label: string } | null;
  /** Offer a linear / log switch for the y axis, the choice kept for every chart of this kind ('loss'). */
  scaleKind?: string;
  height?: number;
  testId?: string;
}) {
  const [ref, width] = useWidth<HTMLDivElement>(420);
  const [scale, setScale] = useAxisScale(scaleKind);
  const noteId = useId();
  const all = series.flatMap((s) => s.points);
  const plotted = all.length;
  const values = all.map((p) => p.value).filter(Number.isFinite);
  if (reference) values.push(reference.value);
  const lastStep = Math.max(1, ...all.map((p) => p.step));
  // The x axis ends exactly at the planned (or last) step; nice ticks are kept only inside it.
  const xEnd = Math.max(lastStep, xMax ?? 0, 1);
  const left = xLabel === 'iteration' ? LEFT_FOR_ITERATIONS : PAD.left;
  const xScale = (step: number) => left + (step / xEnd) * (width - left - PAD.right);
  const xTicks = linearScale(0, xEnd, 0, 1, Math.max(2, Math.floor(width / 70)), { whole: true }).ticks.filter((t) => t <= xEnd + 1e-9);
  const top = PAD.top + Y_LABEL_ROOM;
  const axis = yAxis(values, { scale, zero, ceiling }, height - PAD.bottom, top);
  const { y, log, logUnavailable } = axis;
  const yTick = log ? axis.yTick : axisFormat ?? axis.yTick; // a log axis labels each decade's ticks its own way
  const xTick = tickFormat(xTicks);
  const steps = [...new Set(all.map((p) => p.step))].sort((a, b) => a - b);
  const tableSteps = evenly(steps, TABLE_ROWS);
  const lookup = series.map((s) => new Map(s.points.map((p) => [p.step, p.value])));

  return (
    <ChartFrame
      title={title}
      description={description}
      actions={scaleKind && <AxisScaleSwitch chart={title} scale={logUnavailable ? 'linear' : scale} onChange={setScale} logUnavailableReason={logUnavailable ? noteId : undefined} />}
      note={scaleKind && logUnavailable && `Log scale needs values above 0, and this chart has ${format(Math.min(...values))}: it stays linear.`}
      noteId={noteId}
      legend={series.length > 1 || reference ? <Legend items={[...series.map((s) => ({ label: s.name, color: s.color, dashed: s.dashed })), ...(reference ? [{ label: `${reference.label} ${format(reference.value)}`, color: 'var(--warning)', dashed: true }] : [])]} /> : undefined}
      table={{ columns: [xLabel === 'iteration' ? 'Iteration' : 'Step', ...series.map((s) => s.name)], rows: tableSteps.map((step) => [String(step), ...lookup.map((m) => (m.has(step) ? format(m.get(step)!) : '—'))]) }}
    >
      {({ titleId, descId }) => (
        <div ref={ref} className="chart-canvas" data-testid={testId} data-points={plotted} data-scale={log ? 'log' : 'linear'}>
          <svg width={width} height={height} role="img" aria-labelledby={`${titleId} ${descId}`}>
            {y.ticks.map((t) => (
              <g key={`y${t}`}>
                <line x1={left} x2={width - PAD.right} y1={y(t)} y2={y(t)} className="chart-grid" />
                <text x={left - 6} y={y(t)} dy="0.35em" textAnchor="end" className="chart-tick">{yTick(t)}</text>
              </g>
            ))}
            <text x={2} y={10} className="chart-axis-label" data-axis="y">{yLabel}</text>
            <text x={2} y={height - 6} className="chart-axis-label" data-axis="x">{xLabel}</text>
            {xTicks.map((t) => (
              <text key={`x${t}`} x={xScale(t)} y={height - 6} textAnchor="middle" className="chart-tick">{xTick(t)}</text>
            ))}
            {plotted === 0 && <text x={(left + width - PAD.right) / 2} y={(height - PAD.bottom + top) / 2} textAnchor="middle" className="chart-tick">{`waiting for the first ${xLabel}…`}</text>}
            {reference && (
              <g className="chart-reference">
                <line x1={left} x2={width - PAD.right} y1={y(reference.value)} y2={y(reference.value)} />
              </g>
            )}
            {series.map((s) => {
              const pts = thin(s.points, Math.max(20, Math.floor(width)));
              if (pts.length === 0) return null;
              const d = `M${pts.map((p) => `${xScale(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join('L')}`;
              const last = pts[pts.length - 1];
              const dots = s.dots && pts.length <= 40; // sparse series (validation) show each measurement
              return (
                <g key={s.name}>
                  <path d={d} fill="none" stroke={s.color} strokeWidth={dots ? 1.5 : 1.75} strokeLinejoin="round" strokeDasharray={s.dashed ? '5 4' : undefined} />
                  {(dots ? pts : [last]).map((p) => (
                    <circle key={p.step} cx={xScale(p.step)} cy={y(p.value)} r={dots ? 3 : 3.5} fill={dots ? 'var(--surface)' : s.color} stroke={s.color} strokeWidth={1.5}>
                      <title>{`${s.name} · ${xLabel} ${p.step}: ${format(p.value)}`}</title>
                    </circle>
                  ))}
                </g>
              );
            })}
            {/* over the lines, on a halo of the card's colour: the curves run along a baseline they approach */}
            {reference && <text x={left + 6} y={y(reference.value) - 5} className="chart-reference-label">{reference.label}</text>}
          </svg>
        </div>
      )}
    </ChartFrame>
  );
}
