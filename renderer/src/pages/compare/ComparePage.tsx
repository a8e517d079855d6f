// Runs → Compare: pick evaluation runs (zero-shot vs few-shot vs tuned…), read their metrics with intervals
// and the best run marked, see each metric as bars with interval whiskers, then go example by example. Training
// runs compare by their last metrics and their curves overlaid on one chart.
// Export writes the joined examples as CSV or JSON through a Blob URL (works in a browser and in Electron).
import { useMemo, useState } from 'react';
import { hasRecallAtK, intervalsSaid, type Comparison } from '../../../../native/api/eval.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { BarChart, seriesColor } from '../../ui/charts/index.ts';
import { BackLink, Button, Card, CardHeader, EmptyState, PageHeader, ReadError, Select } from '../../ui/primitives.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { bestVerdict, verdictTestSaid } from '../../../../native/api/best-run.ts';
import { formatMetric, isFraction, metricAxisLabel, metricLabel } from '../evaluate/metrics.ts';
import { hasWhiskers, metricChartNote } from './chartNote.ts';
import { ExamplesView } from './ExamplesView.tsx';
import { MetricsTable, RunSwatch } from './MetricsTable.tsx';
import { LossOverlay } from './LossOverlay.tsx';
import { runHash } from '../runs/address.ts';
import { compareFamily, newestFirst } from '../runs/runKinds.ts';
import '../evaluate/evaluate.css';
import './compare.css';

function download(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function MetricCharts({ comparison, target }: { comparison: Comparison; target: { metric: string; value: number } | null }) {
  const charted = comparison.metrics.filter((m) => m.values.some((v) => v !== null) && !m.name.startsWith('latency') && m.name !== 'tokens_per_second');
  return (
    <div className="compare-charts charts-aligned">
      {charted.map((m) => {
        // The ✓ marks a run only where the table says "best": the sample tells it from every other run (bestVerdict).
        const verdict = bestVerdict(m, comparison.runs.map((r) => r.id));
        return (
          <BarChart
            key={m.name}
            title={metricLabel(m.name)}
            description={metricChartNote(m, verdict.kind === 'within-noise')}
            format={(v) => formatMetric(m.name, v)}
            unit={metricAxisLabel(m.name)}
            domain={isFraction(m.name) && m.values.some((v) => v && (v.ci95?.high ?? v.value) > 0.5) ? [0, 1] : undefined}
            reference={target && target.metric === m.name ? { value: target.value, label: 'Target' } : undefined}
            data={comparison.runs.map((r, i) => ({ label: r.name, value: m.values[i]?.value ?? null, low: m.values[i]?.ci95?.low, high: m.values[i]?.ci95?.high, color: seriesColor(i), highlight: verdict.kind === 'best' && verdict.runId === r.id }))}
          />
        );
      })}
    </div>
  );
}

export function ComparePage({ runIds, onChange }: { runIds: string[]; onChange(next: string[]): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { current } = useProjects();
  const available = useQuery('runs.summaries', {});
  const comparison = useQuery('runs.compare', runIds.length ? { runIds } : null);
  // Evaluations compare with evaluations, training runs with training runs; the first run says which, and its
  // project is where more runs are offered from (the active project's when none is picked yet). Its kind comes
  // with the comparison or the summaries, whichever arrives first; until then the family is unknown (null), and
  // neither family's views are drawn (an evaluation's examples view asked a training run for its predictions).
  const first = available.data?.find((r) => r.id === runIds[0]);
  const compared = comparison.data?.runs[0]?.id === runIds[0] ? comparison.data.runs[0] : undefined;
  const firstKind = compared ?? first;
  const family = runIds.length === 0 ? 'evaluation' : firstKind ? compareFamily(firstKind) : null;
  const scope = first ? first.projectId : current?.id ?? null;
  const [metric, setMetric] = useState<string | null>(current?.metric ?? null);
  const [exporting, setExporting] = useState(false);
  const candidates = useMemo(
    () => newestFirst((available.data ?? []).filter((r) => family !== null && !runIds.includes(r.id) && compareFamily(r) === family && (scope === null || r.projectId === scope))),
    [available.data, runIds, family, scope],
  );
  const training = family === 'training';
  const data = comparison.data;
  const sharedMetric = data && metric && data.metrics.some((m) => m.name === metric) ? metric : null;

  async function exportAs(format: 'csv' | 'json') {
    setExporting(true);
    try {
      const file = await studio.call('runs.export', { runIds, format, metric: sharedMetric ?? undefined });
      download(file.filename, file.content, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
      toast.show('success', `Exported ${file.filename}`);
    } catch (err) {
      toast.show('error', `Could not export the ${format.toUpperCase()}`, errorMessage(err));
    } finally {
      setExporting(false);
    }
  }

  return (
    <div className="page compare-page">
      <BackLink href="#/runs">All runs</BackLink>
      <PageHeader
        title="Compare runs"
        lede={training
          ? 'Which training setting learned faster and further? The curves share one chart; the table marks the lowest final loss.'
          : 'Which prompt, setting or fine-tune is better — and is the difference larger than the noise? Intervals that overlap mean the sample cannot tell the runs apart.'}
        actions={runIds.length > 0 && <>
          <Button icon="upload" onClick={() => void exportAs('csv')} disabled={exporting}>Export CSV</Button>
          <Button icon="upload" onClick={() => void exportAs('json')} disabled={exporting}>Export JSON</Button>
        </>}
      />
      <Card aria-label="Runs to compare">
        <CardHeader title="Runs" subtitle={runIds.length ? 'The first run is the baseline; add up to 16.' : undefined} />
        <div className="card-body row-wrap">
          {runIds.map((id, i) => {
            // The buttons are named by the run's name, as the chip shows it: a screen reader read out the raw id.
            const name = data?.runs.find((r) => r.id === id)?.name ?? available.data?.find((r) => r.id === id)?.name ?? id; // by id: a reordered comparison answers late
            return (
              <span key={id} className="run-chip">
                <RunSwatch index={i} />
                <a className="run-chip-name" href={runHash(id)} title={name}>{name}</a>
                {i === 0 && runIds.length > 1 && <span className="faint small">baseline</span>}
                {/* in words, as the design system's small button: a bare ⇤ said what it did only in a tooltip; named
                    "Set as baseline: <run>" for a screen reader, the visible words first */}
                {i > 0 && <Button size="sm" variant="ghost" className="run-chip-baseline" aria-label={`Set as baseline: ${name}`} onClick={() => onChange([id, ...runIds.filter((x) => x !== id)])}>Set as baseline</Button>}
                <button type="button" className="run-chip-action" aria-label={`Remove ${name}`} title="Remove from the comparison" onClick={() => onChange(runIds.filter((x) => x !== id))}><Icon name="x" size={12} /></button>
              </span>
            );
          })}
          {candidates.length > 0 && runIds.length < 16 && (
            <Select className="compare-add-run" aria-label="Add a run" value="" onChange={(e) => e.target.value && onChange([...runIds, e.target.value])}>
              <option value="">{runIds.length ? 'Add a run…' : 'Choose a run…'}</option>
              {candidates.map((r) => <option key={r.id} value={r.id}>{r.name} ({r.status})</option>)}
            </Select>
          )}
        </div>
      </Card>

      {runIds.length === 0 && (
        <Card>
          <EmptyState icon="layers" title="Pick runs to compare">
            {candidates.length ? 'Choose two or more evaluation runs above — for instance a zero-shot baseline and a few-shot prompt on the same test split. To overlay training curves, tick training runs on the Runs page.' : 'There are no evaluation runs yet. Run one from Adapt & align → Evaluate, then another with a different prompt or settings.'}
          </EmptyState>
        </Card>
      )}
      {comparison.error && <Card><ReadError className="card-body" what="Could not compare these runs" read={comparison} /></Card>}
      {data && (
        <>
          {training && <LossOverlay runs={data.runs} />}
          <Card aria-label="Metrics">
            <CardHeader title="Metrics" subtitle={training ? 'Each metric’s last recorded value. With no interval to test it against the noise, the top run per metric is marked lowest or highest, not best.' : metricsSubtitle(data)} />
            <MetricsTable comparison={data} />
          </Card>
          {family === 'evaluation' && <>
          <Card aria-label="Charts">
            <CardHeader title="At a glance" subtitle={current?.metric && current.target !== null ? `The dashed line is the project’s target for ${metricLabel(current.metric)}.` : `Each bar is a run${hasWhiskers(data) ? '; the whisker spans its 95% interval' : ''}.`} />
            <div className="card-body"><MetricCharts comparison={data} target={current?.metric && current.target !== null ? { metric: current.metric, value: current.target } : null} /></div>
          </Card>
          <ExamplesView comparison={data} metric={sharedMetric} onMetric={setMetric} />
          </>}
        </>
      )}
    </div>
  );
}

/**
 * What the Metrics card says of an evaluation comparison's intervals and its verdicts: overlapping intervals, unless
 * runs scored the same examples, where a paired test on their per-example differences decides (verdictTestSaid).
 */
function metricsSubtitle(comparison: Comparison): string {
  const head = `Corpus scores with 95% intervals (${intervalsSaid('labels', hasRecallAtK(comparison.metrics.map((m) => m.name)))}).`;
  const test = verdictTestSaid(comparison.metrics, comparison.runs.map((r) => r.id), metricLabel);
  if (!comparison.metrics.some((m) => (m.paired?.length ?? 0) > 0) || test === null) return `${head} A run is marked best only where its interval clears every other run’s; “within noise” where they overlap.`;
  return `${head} A run is marked best only where the sample tells it from every other run, “within noise” where it cannot: ${test}.`;
}
