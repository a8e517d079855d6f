// A project's scorecard: its success metric and target against the best finished evaluation so far — pass or
// fail, by what margin, and whether the whole 95% interval clears the target — plus the metric run by run.
// When the project cannot be scored yet, it says what is missing and where to supply it.
import type { Project } from '../../../../native/api/schemas.ts';
import { useQuery, useStudioEvents } from '../../app/StudioContext.tsx';
import { formatDate } from '../../domain/format.ts';
import { LineChart, seriesColor } from '../../ui/charts/index.ts';
import { Icon } from '../../ui/icons.tsx';
import { Badge, Button, Card, CardHeader, EmptyState, ReadError } from '../../ui/primitives.tsx';
import { openCompare } from '../compare/route.tsx';
import { formatInterval, formatMetric, isFraction, metricAxisLabel, metricLabel } from './metrics.ts';
import './evaluate.css';

function openEvaluate(): void {
  window.location.hash = '/adapt/evaluate';
}

function scrollToScope(): void {
  document.querySelector('.content form')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function MetricHistory({ project }: { project: Project }) {
  const runs = useQuery('runs.list', { projectId: project.id, kind: 'evaluation' });
  const finished = [...(runs.data ?? [])].filter((r) => r.status === 'succeeded').sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '')).slice(-16);
  const comparison = useQuery('runs.compare', finished.length ? { runIds: finished.map((r) => r.id) } : null);
  useStudioEvents((event) => {
    if (event.type === 'job.updated' && event.payload.kind === 'evaluation' && event.payload.finishedAt) runs.reload();
  });
  const metric = project.metric!;
  const row = comparison.data?.metrics.find((m) => m.name === metric);
  if (!row || !comparison.data) return null;
  const points = row.values.map((v) => (v ? { y: v.value, low: v.ci95?.low, high: v.ci95?.high } : null));
  return (
    <LineChart
      title={`${metricLabel(metric)} run by run`}
      description="Finished evaluations of this project, oldest first; bars and band: 95% intervals."
      yLabel={metricAxisLabel(metric)}
      xName="Run"
      xLabels={comparison.data.runs.map((r) => r.template ?? r.name)}
      series={[{ name: metricLabel(metric), color: seriesColor(0), points }]}
      format={(v) => formatMetric(metric, v)}
      domain={isFraction(metric) && (project.target ?? 0) > 0.5 ? [0, 1] : undefined}
      reference={project.target !== null ? { value: project.target, label: 'Target', text: String(project.target) } : undefined}
      height={180}
    />
  );
}

/** Why some finished evaluations are not counted: they scored rows a fine-tune learns from. */
function notHeldOut(n: number): string {
  return `${n === 1 ? 'One evaluation' : `${n} evaluations`} on the train split or all rows ${n === 1 ? 'is' : 'are'} not counted: scores on rows a fine-tune learns from flatter the model.`;
}


export function ScorecardCard({ project }: { project: Project }) {
  const card = useQuery('projects.scorecard', { id: project.id });
  useStudioEvents((event) => {
    if (event.type === 'job.updated' && event.payload.kind === 'evaluation' && event.payload.finishedAt) card.reload();
  });
  const data = card.data;
  const label = project.metric ? metricLabel(project.metric) : 'metric';
  const direction = data?.higherIsBetter === false ? '≤' : '≥';

  return (
    <Card aria-label="Scorecard" data-testid="scorecard">
      <CardHeader
        title="Scorecard"
        subtitle={project.metric && project.target !== null ? `Success: ${label} ${direction} ${project.target} on held-out data, judged by the best finished evaluation.` : 'Whether the best model so far meets the project’s success criterion.'}
        actions={data && (data.status === 'pass' || data.status === 'fail') ? <Button size="sm" icon="activity" onClick={openEvaluate}>Run an evaluation</Button> : undefined}
      />
      <ReadError className="card-body" what="Could not load the scorecard" read={card} />
      {data?.status === 'no-metric' && (
        <EmptyState icon="target" title="No success metric yet" action={<Button onClick={scrollToScope}>Choose a metric below</Button>}>
          Say how the model will be judged — ROUGE-L for summaries, exact match for answers, accuracy for labels — and the scorecard will check every evaluation against it.
        </EmptyState>
      )}
      {data?.status === 'no-target' && (
        <EmptyState icon="target" title={`No target for ${label}`} action={<Button onClick={scrollToScope}>Set a target below</Button>}>
          A target is optional; it turns scores into a decision: write the {label} the model must reach to be good enough{isFraction(project.metric!) ? ' (scores run from 0 to 1)' : ''}, and each run will pass or fail against it.
        </EmptyState>
      )}
      {data?.status === 'no-runs' && (
        <EmptyState icon="activity" title={`No evaluation reports ${label} yet`} action={<Button variant="primary" onClick={openEvaluate}>Run an evaluation</Button>}>
          Evaluate a model on this project’s test split with {label} among the metrics; {project.target !== null ? `the best finished run is compared with the target (${direction} ${project.target}).` : 'with no target set (it is optional), the scorecard will not call runs pass or fail.'}
          {data.runsNotHeldOut > 0 && ` ${notHeldOut(data.runsNotHeldOut)}`}
        </EmptyState>
      )}
      {data && data.best && (data.status === 'pass' || data.status === 'fail') && (
        <div className="card-body scorecard-grid">
          <div className="scorecard-verdict">
            <div className="verdict" data-status={data.status} data-testid="scorecard-verdict">
              <span className="verdict-icon"><Icon name={data.status === 'pass' ? 'check' : 'x'} size={18} /></span>
              {data.status === 'pass' ? 'Meets the target' : 'Below the target'}
            </div>
            <dl className="dl small">
              <dt>Best {label}</dt>
              <dd><strong className="mono">{formatMetric(project.metric!, data.best.value)}</strong> <span className="muted mono scorecard-ci">(95% CI {formatInterval(project.metric!, data.best.ci95)})</span></dd>
              <dt>Target</dt>
              <dd className="mono">{direction} {project.target}</dd>
              <dt>Margin</dt>
              <dd><Badge tone={data.margin !== null && data.margin >= 0 ? 'success' : 'danger'}>{data.margin === null ? '—' : `${data.margin >= 0 ? '+' : '−'}${formatMetric(project.metric!, Math.abs(data.margin))}`}</Badge></dd>
              <dt className="scorecard-confidence">Passes with confidence</dt>
              <dd className="scorecard-confidence">
                {data.passesWithConfidence ? <Badge tone="success">yes</Badge> : <Badge tone="warning">no</Badge>}{' '}
                <span className="muted">
                  {data.passesWithConfidence
                    ? 'the whole interval clears the target'
                    : data.status === 'pass' ? 'the interval reaches past the target: evaluate more examples' : 'the best score is below the target'}
                </span>
              </dd>
              <dt>From run</dt>
              <dd>
                <button type="button" className="btn btn-ghost btn-sm btn-link" onClick={() => openCompare([data.best!.runId])}>
                  {data.best.runName}
                </button>
                {data.best.finishedAt && <div className="faint">{formatDate(data.best.finishedAt)}</div>}
              </dd>
              <dt>Considered</dt>
              <dd>
                {data.runsConsidered} finished evaluation{data.runsConsidered === 1 ? '' : 's'}
                {data.runsNotHeldOut > 0 && <div className="faint">{notHeldOut(data.runsNotHeldOut)}</div>}
              </dd>
            </dl>
          </div>
          <MetricHistory project={project} />
        </div>
      )}
    </Card>
  );
}
