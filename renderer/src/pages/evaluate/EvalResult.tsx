// The right-hand side of Evaluate: a running job's progress (with ETA and Cancel), then the finished run's
// summary — a card per metric with its 95% interval, timing, and the first predictions.
import type { EvalSummary, MetricValue } from '../../../../native/api/eval.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatDate } from '../../domain/format.ts';
import { ESTIMATING_TIME_LEFT, jobTimeLeft } from '../../domain/jobs.ts';
import { Badge, Button, Callout, Card, CardHeader, ProgressBar, Stat } from '../../ui/primitives.tsx';
import { PredictionRow } from './PredictionRow.tsx';
import { formatInterval, formatMetric, isFraction, metricExplain, metricLabel } from './metrics.ts';
import { plural } from '../../../../native/api/format.ts';

export function EvalProgress({ job, title, onCancel, cancelling }: { job: Job; title: string; onCancel(): void; cancelling: boolean }) {
  const running = job.state === 'running' || job.state === 'queued';
  return (
    <Card aria-label="Evaluation progress" data-testid="eval-progress">
      <CardHeader title={running ? 'Evaluating…' : 'Evaluation ended'} subtitle={title} actions={running ? <Button variant="danger" size="sm" icon="x" onClick={onCancel} disabled={cancelling}>{cancelling ? 'Cancelling…' : 'Cancel'}</Button> : undefined} />
      <div className="card-body stack gap-2">
        <ProgressBar value={job.state === 'queued' ? null : job.progress} state={job.state} label="Evaluation progress" />
        <div className="row small">
          <span>{job.state === 'queued' ? 'Waiting for a free worker…' : job.message || 'Loading the model…'}</span>
          <span className="spacer" />
          <span className="muted" data-testid="eval-eta">{running ? jobTimeLeft(job, ESTIMATING_TIME_LEFT) : job.state}</span>
        </div>
        {job.error && <Callout tone="danger" title="The evaluation failed">{job.error}</Callout>}
      </div>
    </Card>
  );
}

function IntervalStrip({ metric, target }: { metric: MetricValue; target: number | null }) {
  if (!isFraction(metric.name)) return null;
  const pct = (v: number) => `${Math.min(100, Math.max(0, v * 100))}%`;
  return (
    <div className="ci-strip" aria-hidden>
      {metric.ci95 && <div className="ci-strip-range" style={{ left: pct(metric.ci95.low), width: `calc(${pct(metric.ci95.high - metric.ci95.low)} + 2px)` }} />}
      <div className="ci-strip-dot" style={{ left: pct(metric.value) }} />
      {target !== null && <div className="ci-strip-target" style={{ left: pct(target) }} title={`Target ${target}`} />}
    </div>
  );
}

export function MetricCards({ metrics, projectMetric, target }: { metrics: MetricValue[]; projectMetric: string | null; target: number | null }) {
  return (
    <div className="metric-cards" aria-label="Metrics">
      {metrics.map((m) => {
        const own = m.name === projectMetric;
        return (
          <div key={m.name} className="metric-card" data-own={own} data-testid={`metric-${m.name}`} title={metricExplain(m.name)}>
            <div className="row metric-card-head"><span className="stat-label">{metricLabel(m.name)}</span><span className="spacer" />{own && <Badge tone="accent">project</Badge>}</div>
            <div className="metric-card-value">{formatMetric(m.name, m.value)}</div>
            <div className="small muted">95% CI {formatInterval(m.name, m.ci95)}{m.higherIsBetter ? '' : ' · lower is better'}</div>
            <IntervalStrip metric={m} target={own ? target : null} />
          </div>
        );
      })}
    </div>
  );
}

export function EvalSummaryView({ summary, projectMetric, target, onCompare, compareLabel }: { summary: EvalSummary; projectMetric: string | null; target: number | null; onCompare: (() => void) | null; compareLabel: string }) {
  const { run, timing } = summary;
  const cfg = (run.config ?? {}) as { adapterPath?: string | null; template?: { label?: string; shotsFrom?: { id?: string; name?: string } | null } | null; model?: { name?: string }; dataset?: { id?: string; name?: string }; split?: string; generation?: { maxNewTokens?: number; temperature?: number } };
  const examples = useQuery('eval.examples', { id: run.id, offset: 0, limit: 3 });
  const scoreName = projectMetric && summary.metrics.some((m) => m.name === projectMetric) ? projectMetric : summary.metrics[0]?.name;
  const statusTone = summary.status === 'succeeded' ? 'success' : summary.status === 'failed' ? 'danger' : summary.status === 'running' ? 'accent' : 'warning';
  return (
    <Card aria-label="Evaluation result" data-testid="eval-summary">
      <CardHeader
        title={run.name}
        subtitle={`${run.finishedAt ? `Finished ${formatDate(run.finishedAt)}` : 'Not finished'} · ${summary.plannedExamples !== null && summary.plannedExamples !== summary.examples ? `${summary.examples} of ${plural(summary.plannedExamples, 'example')}` : plural(summary.examples, 'example')}`}
        actions={<div className="row"><Badge tone={statusTone}>{summary.status}</Badge>{onCompare && <Button size="sm" icon="layers" onClick={onCompare}>{compareLabel}</Button>}</div>}
      />
      <div className="card-body stack">
        {summary.status === 'cancelled' && <Callout tone="warning" title="Cancelled — partial results">These scores cover the {plural(summary.examples, 'example')} finished before the run was stopped.</Callout>}
        {summary.status === 'interrupted' && summary.examples > 0 && <Callout tone="warning" title="Interrupted — partial results">The app closed or stopped during this evaluation; these scores cover the {plural(summary.examples, 'example')} finished before then. Evaluate again for the whole split.</Callout>}
        <div className="row-wrap small muted">
          <span className="badge">{cfg.model?.name ?? 'model'}</span>
          {cfg.adapterPath && <span className="badge badge-accent" title={cfg.adapterPath}>+ LoRA adapter</span>}
          <span className="badge">{cfg.dataset?.name ?? 'dataset'}/{cfg.split ?? '—'}</span>
          <span className="badge badge-accent">{cfg.template?.label ?? 'perplexity'}</span>
          {cfg.generation?.maxNewTokens && <span className="badge">≤ {cfg.generation.maxNewTokens} new tokens</span>}
          <span className="badge">{cfg.generation?.temperature ? `sampling T ${cfg.generation.temperature}` : 'greedy'}</span>
          {cfg.template?.shotsFrom && cfg.template.shotsFrom.id !== cfg.dataset?.id && <span className="badge" title="The few-shot examples came from this dataset's train split">examples from {cfg.template.shotsFrom.name}</span>}
          {summary.shotsUsedMean !== null && <span className="badge" title="Few-shot examples that fit the model's context, on average">{Number.isInteger(summary.shotsUsedMean) ? plural(summary.shotsUsedMean, 'shot') : `${summary.shotsUsedMean.toFixed(1)} shots`} used</span>}
        </div>
        {summary.metrics.length > 0 ? <MetricCards metrics={summary.metrics} projectMetric={projectMetric} target={target} /> : <p className="muted">No metric was recorded for this run.</p>}
        <div className="eval-timing">
          <Stat label="Latency mean" value={timing.latencyMsMean === null ? '—' : `${timing.latencyMsMean.toFixed(0)} ms`} />
          <Stat label="p50 / p95" value={timing.latencyMsP50 === null ? '—' : `${timing.latencyMsP50.toFixed(0)} / ${timing.latencyMsP95?.toFixed(0) ?? '—'} ms`} />
          <Stat label={metricLabel('tokens_per_second')} value={timing.tokensPerSecond === null ? '—' : timing.tokensPerSecond.toFixed(1)} />
          <Stat label="Total" value={timing.totalSeconds === null ? '—' : `${timing.totalSeconds.toFixed(1)} s`} />
        </div>
        {examples.data && examples.data.rows.length > 0 && scoreName && (
          <div className="stack gap-2">
            <h3>First predictions</h3>
            <div className="table-wrap eval-preview">
              <table className="table" aria-label="First predictions">
                {/* each prediction over its reference, beside the narrow score column (evaluate.css), each text
                    clipped to two lines, whole in its title and under the row's Show all (PredictionRow) */}
                <thead><tr><th>Prediction <span className="eval-preview-ref-head">over its reference</span></th><th className="num eval-preview-score">{metricLabel(scoreName)}</th></tr></thead>
                <tbody>
                  {examples.data.rows.map((e) => <PredictionRow key={e.id} example={e} scoreName={scoreName} />)}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}
