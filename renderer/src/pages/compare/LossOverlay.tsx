// Training runs side by side: one metric's curve per run on one chart (training loss by default, validation
// loss or any other series the runs recorded at more than one step on request), coloured as the runs' chips,
// the legend naming each run. The history comes from runs.metrics; a run still training adds points live. PPO runs
// count iterations and the others optimiser steps: a comparison of both draws a chart for each (curveUnits.ts).
import { useEffect, useMemo, useState } from 'react';
import type { RunMetric } from '../../../../native/api/schemas.ts';
import { useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { seriesColor } from '../../ui/charts/index.ts';
import { Card, CardHeader, EmptyState, Select } from '../../ui/primitives.tsx';
import { metricDirection, metricExplain, metricLabel } from '../evaluate/metrics.ts';
import { TrainingChart } from '../finetune/TrainingChart.tsx';
import { CHART_POINTS, type MetricPoint } from '../finetune/useRunMetrics.ts';
import { formatTrainingMetric, heldOutOf, isPrimaryMetric, lossExplainBy, scaleKindOf, yAxisOf } from '../runs/trainingMetrics.ts';
import { groupByStepUnit, UNIT_WORDS } from './curveUnits.ts';

/** More metrics than this are offered in a drop-down rather than as buttons (a PPO run records about twenty). */
const BUTTONS_MAX = 6;
const label = metricLabel;
/** Run names in a sentence: "A and B", "A, B, and C". */
const AND = new Intl.ListFormat('en', { type: 'conjunction' });

/** A metric's label inside a sentence: "mean score", but KL stays KL. */
function inSentence(name: string): string {
  const words = label(name);
  return /^[A-Z][a-z]/.test(words) ? words.charAt(0).toLowerCase() + words.slice(1) : words;
}

/** Which way the shown metric is better, as the chart's subtitle says it ("Higher mean score is better."). */
function direction(name: string): string {
  const words = label(name);
  const lower = inSentence(name);
  const said = metricDirection(name);
  if (said.startsWith('a setting')) return `${words} is a setting: neither end is better.`;
  if (said.startsWith('a diagnostic')) return `${words} shows how a run moved, not how good it is: not ranked.`;
  return `${said.startsWith('↑') ? 'Higher' : 'Lower'} ${lower} is better.`;
}

/** Each run's series of `name`, the last value per step (a resumed run records its steps again). */
function seriesOf(rows: readonly RunMetric[], name: string): MetricPoint[] {
  const byStep = new Map<number, number>();
  for (const r of rows) if (r.name === name) byStep.set(r.step, r.value);
  return [...byStep].map(([step, value]) => ({ step, value })).sort((a, b) => a.step - b.step);
}

/** `kind`: each run's (the comparison names it; null where not known), for what the x axis counts. */
export function LossOverlay({ runs }: { runs: { id: string; name: string; kind: string | null }[] }) {
  const studio = useStudio();
  const [rows, setRows] = useState<Record<string, RunMetric[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState('loss');
  const key = runs.map((r) => r.id).join(',');

  useEffect(() => {
    let current = true;
    Promise.all(runs.map((r) => studio.call('runs.metrics', { id: r.id, maxPoints: CHART_POINTS }))).then(
      (all) => current && setRows(Object.fromEntries(runs.map((r, i) => [r.id, all[i]]))),
      (err) => current && setError(errorMessage(err)),
    );
    return () => {
      current = false;
    };
    // `key` names the runs; the array itself is rebuilt on every render
  }, [studio, key]);

  useStudioEvents((event) => {
    if (event.type !== 'run.metric' || !(event.payload.runId in rows)) return;
    setRows((r) => ({ ...r, [event.payload.runId]: [...r[event.payload.runId], event.payload] }));
  });

  // The metrics that draw as curves: recorded at more than one step by at least one run, losses first.
  const choices = useMemo(() => {
    const most = new Map<string, number>();
    for (const list of Object.values(rows)) {
      const perRun = new Map<string, number>();
      for (const m of list) perRun.set(m.name, (perRun.get(m.name) ?? 0) + 1);
      for (const [name, n] of perRun) most.set(name, Math.max(most.get(name) ?? 0, n));
    }
    const names = [...most].filter(([, n]) => n > 1).map(([name]) => name);
    // then the ones a run's page leads with (score, KL, reward margin…), then the diagnostics, each by label
    const rest = names.filter((n) => n !== 'loss' && n !== 'val_loss');
    const byLabel = (a: string, b: string) => label(a).localeCompare(label(b));
    return [...['loss', 'val_loss'].filter((n) => names.includes(n)), ...rest.filter(isPrimaryMetric).sort(byLabel), ...rest.filter((n) => !isPrimaryMetric(n)).sort(byLabel)];
  }, [rows]);
  const shown = choices.includes(metric) ? metric : choices[0] ?? 'loss';
  // Two runs may share a name; the legend must still tell them apart.
  const names = runs.map((r, i) => (runs.some((o, j) => j !== i && o.name === r.name) ? `${r.name} [${i + 1}]` : r.name));
  const series = runs.map((r, i) => ({ name: names[i], color: seriesColor(i), points: seriesOf(rows[r.id] ?? [], shown), dots: heldOutOf(shown) !== null }));
  // One chart per unit the runs count in; null until every run's kind (so its unit) is known.
  const groups = groupByStepUnit(runs.map((r) => r.kind));
  const mixed = groups !== null && groups.length > 1;
  const charts = (groups ?? []).map((g) => ({ unit: g.unit, series: g.indices.map((i) => series[i]) }));
  // Of mixed units, a unit none of whose runs records the shown metric draws no chart; a line above the others says so.
  const drawn = mixed ? charts.filter((c) => c.series.some((s) => s.points.length > 0)) : charts;
  const undrawn = charts.filter((c) => !drawn.includes(c));
  const over = groups === null ? null : mixed
    ? 'PPO runs count iterations (each several optimiser steps), the others optimiser steps: each has its own chart, one line per run.'
    : `One line per run over ${UNIT_WORDS[groups[0].unit].many}.`;

  return (
    <Card aria-label="Loss curves">
      <CardHeader
        title="Curves"
        subtitle={[over, direction(shown), `The table under the ${mixed ? 'charts' : 'chart'} lists each run’s last value.`].filter(Boolean).join(' ')}
        actions={choices.length > BUTTONS_MAX ? (
          <Select aria-label="Metric" value={shown} onChange={(e) => setMetric(e.target.value)}>
            {choices.map((n) => <option key={n} value={n}>{label(n)}</option>)}
          </Select>
        ) : choices.length > 1 && (
          <div className="segmented" role="radiogroup" aria-label="Metric">
            {choices.map((n) => <button key={n} type="button" role="radio" aria-checked={shown === n} onClick={() => setMetric(n)}>{label(n)}</button>)}
          </div>
        )}
      />
      {error && <div className="card-body field-error">Could not load the runs’ metrics: {error}</div>}
      {!error && Object.keys(rows).length === runs.length && choices.length === 0 && (
        <EmptyState icon="activity" title="No curves to overlay">These runs recorded no metric at more than one step yet. Training runs report their loss every step; a run that has just started adds its points as it goes.</EmptyState>
      )}
      {choices.length > 0 && drawn.length > 0 && (
        <div className="card-body">
          {undrawn.map(({ unit, series: missing }) => (
            <p key={unit} className="chart-note compare-curves-note">No chart by {UNIT_WORDS[unit].one}: {AND.format(missing.map((m) => m.name))} {missing.length === 1 ? 'records' : 'record'} no {inSentence(shown)}.</p>
          ))}
          <div className={mixed && drawn.length > 1 ? 'compare-charts charts-aligned' : undefined}>
            {drawn.map(({ unit, series: shownSeries }) => {
              const by = UNIT_WORDS[unit].one;
              const title = mixed ? `${label(shown)} by ${by}` : label(shown);
              return <TrainingChart key={unit} testId={mixed ? `compare-curves-${unit}` : 'compare-curves'} title={title} description={(shown === 'loss' ? lossExplainBy(unit) : metricExplain(shown)) || `${label(shown)} of each run by ${by}.`} xLabel={unit} {...yAxisOf(shown)} scaleKind={scaleKindOf(shown)} format={(v) => formatTrainingMetric(shown, v)} series={shownSeries} height={260} />;
            })}
          </div>
        </div>
      )}
    </Card>
  );
}
