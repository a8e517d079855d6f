// A run's recorded metrics: every series with more than one step as a curve, live while the run trains, and
// one-off values (an evaluation's scores, a generation's timings, DPO's final pass over the pairs) as figures.
// A held-out series draws on its training series' chart (val_loss on the loss chart, eval/kl on the KL chart).
// The few charts that say how the run went (loss, reward margin and accuracy, score, KL) lead; diagnostics
// (learning rate, log-probabilities, timings, lengths…) wait under a folded "More metrics". Words for every
// metric come from trainingMetrics.ts; the charts are the fine-tune page's.
import { SERIES_COLORS } from '../../ui/charts/scale.ts';
import { Card, CardHeader, EmptyState, Stat } from '../../ui/primitives.tsx';
import { metricLabel } from '../evaluate/metrics.ts';
import { runFigures } from './runFigures.ts';
import { TrainingChart, type CurveSeries } from '../finetune/TrainingChart.tsx';
import type { RunMetrics } from '../finetune/useRunMetrics.ts';
import { formatTrainingMetric, heldOutOf, isPrimaryMetric, scaleKindOf, trainingMetricInfo, trainingMetricLabel, yAxisOf } from './trainingMetrics.ts';

/** One chart: a metric and, when recorded, its held-out partner. */
interface Chart { name: string; heldOut: string | null }

/** The metrics' charts in reading order: the loss first, then the primary ones as listed, then the rest by name. */
function chartsOf(metrics: RunMetrics): Chart[] {
  const names = Object.keys(metrics).filter((n) => metrics[n].length > 0);
  const isCurve = (n: string) => (metrics[n]?.length ?? 0) > 1;
  const charts: Chart[] = [];
  for (const name of names) {
    const partner = heldOutOf(name);
    if ((partner !== null && isCurve(partner)) || !isCurve(name)) continue; // on its partner's chart, or a figure
    charts.push({ name, heldOut: names.find((n) => heldOutOf(n) === name) ?? null });
  }
  const rank = (c: Chart) => (c.name === 'loss' ? 0 : isPrimaryMetric(c.name) ? 1 : 2);
  return charts.sort((a, b) => rank(a) - rank(b) || trainingMetricLabel(a.name).localeCompare(trainingMetricLabel(b.name)));
}

function CurveChart({ chart, metrics, planned, colour, unit }: { chart: Chart; metrics: RunMetrics; planned: number | null; colour: number; unit: 'step' | 'iteration' }) {
  const { name, heldOut } = chart;
  const loss = name === 'loss';
  const description = loss
    ? `What each ${unit} minimises; lower is better.${heldOut ? ` Validation is measured every few ${unit}s.` : ''}`
    : trainingMetricInfo(name)?.explain ?? `Recorded at every ${unit}.`;
  // Paired, training and held-out keep the loss chart's two colours on every chart; alone, each chart has its own.
  const series: CurveSeries[] = heldOut
    ? [
      { name: 'training', color: SERIES_COLORS[0], points: metrics[name] },
      { name: heldOut.startsWith('eval/') ? 'held-out' : 'validation', color: SERIES_COLORS[2], points: metrics[heldOut], dots: true },
    ]
    : [{ name: trainingMetricLabel(name).toLowerCase(), color: SERIES_COLORS[colour % SERIES_COLORS.length], points: metrics[name] }];
  return <TrainingChart testId={`run-chart-${name}`} title={loss ? 'Loss' : metricLabel(name)} description={description} xMax={planned} xLabel={unit} {...yAxisOf(name)} scaleKind={scaleKindOf(name)} format={(v) => formatTrainingMetric(name, v)} series={series} />;
}

/** DPO's last word (native/train/dpo.ts): each metric once over every training pair, under one caption. */
const FINAL_PASS = 'train_';

function figureGroups(names: string[]): { caption: string | null; names: string[] }[] {
  const final = names.filter((n) => n.startsWith(FINAL_PASS) && trainingMetricInfo(n.slice(FINAL_PASS.length)) !== null);
  const rest = names.filter((n) => !final.includes(n));
  return [
    { caption: null, names: rest },
    { caption: 'The trained policy, measured once on every training pair', names: final },
  ].filter((g) => g.names.length > 0);
}

/**
 * `unit`: what the run counts, the charts' x (stepUnitOf: PPO's iterations, every other trainer's steps);
 * `oneRelevant`: a retrieval run's oneRelevantPerQuery, which makes its recall@k a proportion (recordedInterval).
 */
export function RunCurves({ metrics, loaded, planned, unit = 'step', oneRelevant = false }: { metrics: RunMetrics; loaded: boolean; planned: number | null; unit?: 'step' | 'iteration'; oneRelevant?: boolean }) {
  const names = Object.keys(metrics).filter((n) => metrics[n].length > 0);
  const charts = chartsOf(metrics);
  const charted = new Set(charts.flatMap((c) => [c.name, c.heldOut ?? c.name]));
  const figures = names.filter((n) => !charted.has(n)).sort((a, b) => Number(isPrimaryMetric(b)) - Number(isPrimaryMetric(a)));
  const lead = charts.filter((c) => c.name === 'loss' || isPrimaryMetric(c.name));
  const more = charts.filter((c) => !lead.includes(c));
  // With nothing to lead (a run that records only diagnostics), the diagnostics are the page.
  const [shown, folded] = lead.length > 0 ? [lead, more] : [more, []];
  return (
    <Card aria-label="Curves">
      <CardHeader title="Curves and figures" subtitle={charts.length > 0 ? 'Recorded metrics of this run, updated live while it trains.' : 'What this run measured.'} />
      {loaded && names.length === 0 && (
        <EmptyState icon="activity" title="No metrics recorded">A run records its metrics as it goes: training steps report loss, evaluations their scores, generations their timings.</EmptyState>
      )}
      {shown.length > 0 && (
        <div className="card-body run-charts charts-aligned">
          {shown.map((c, i) => <CurveChart key={c.name} chart={c} metrics={metrics} planned={planned} unit={unit} colour={i + 1} />)}
        </div>
      )}
      {folded.length > 0 && (
        <details className="card-body run-more" data-testid="run-more-metrics">
          <summary>More metrics <span className="faint">({folded.length}: {folded.slice(0, 4).map((c) => trainingMetricLabel(c.name).toLowerCase()).join(', ')}{folded.length > 4 ? '…' : ''})</span></summary>
          <div className="run-charts run-charts-more">
            {folded.map((c, i) => <CurveChart key={c.name} chart={c} metrics={metrics} planned={planned} unit={unit} colour={i + 3} />)}
          </div>
        </details>
      )}
      {figures.length > 0 && (
        <div className="card-body stack run-figures-body" data-testid="run-figures">
          {figureGroups(figures).map((g) => (
            <div key={g.caption ?? ''} className="stack gap-2">
              {g.caption && <div className="faint small">{g.caption}</div>}
              <div className="run-figures">
                {runFigures(g.names, (name) => metrics[name][0].value, oneRelevant).map((f) => (
                  <Stat key={f.name} label={g.caption ? metricLabel(f.name.slice(FINAL_PASS.length)) : f.label} value={<>{f.value}{f.note && <span className="stat-note">{f.note}</span>}</>} mono />
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
