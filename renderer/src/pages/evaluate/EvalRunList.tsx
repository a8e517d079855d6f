// This project's evaluation runs, newest first, with the project's metric and its interval per run. Rows open
// the run's summary; ticked rows go to the comparison together. Drawn once there is a run: with none, the result
// pane's empty state is the page's one (EvaluatePage).
import { useState } from 'react';
import type { Comparison } from '../../../../native/api/eval.ts';
import type { Run } from '../../../../native/api/schemas.ts';
import { formatDate } from '../../domain/format.ts';
import { Badge, Button, Card, CardHeader } from '../../ui/primitives.tsx';
import { formatInterval, formatMetric, metricLabel, uniqueBest } from './metrics.ts';
import { promptLabelParts } from '../../../../native/api/default-prompt.ts';

const STATUS_TONE: Record<string, 'success' | 'danger' | 'warning' | 'accent'> = { succeeded: 'success', failed: 'danger', cancelled: 'warning', running: 'accent' };

export function EvalRunList({ runs, comparison, metric, shownRunId, onShow, onCompare }: {
  runs: Run[];
  comparison: Comparison | undefined;
  metric: string | null;
  shownRunId: string | null;
  onShow(runId: string): void;
  onCompare(runIds: string[]): void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const chosen = picked.filter((id) => runs.some((r) => r.id === id));
  const row = comparison?.metrics.find((m) => m.name === metric) ?? comparison?.metrics[0];
  const valueOf = (runId: string) => {
    const i = comparison?.runs.findIndex((r) => r.id === runId) ?? -1;
    return i >= 0 && row ? row.values[i] : null;
  };
  const infoOf = (runId: string) => comparison?.runs.find((r) => r.id === runId);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-16)));

  return (
    <Card aria-label="Evaluations in this project">
      <CardHeader
        title="Evaluations in this project"
        subtitle="Tick two or more to compare them metric by metric and example by example."
        actions={runs.length > 1 ? <Button variant={chosen.length >= 2 ? 'primary' : 'default'} icon="layers" disabled={chosen.length < 1} onClick={() => onCompare(chosen)}>Compare{chosen.length ? ` (${chosen.length})` : ''}</Button> : undefined}
      />
      <div className="table-wrap">
        <table className="table" aria-label="Evaluation runs">
          <thead>
            <tr>
              <th className="pick-cell"><span className="visually-hidden">Compare</span></th>
              <th>Run</th><th>Prompt</th><th className="num">Examples</th>
              <th className="num">{row ? metricLabel(row.name) : 'Metric'}</th><th>95% CI</th><th>Status</th><th>Finished</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const v = valueOf(run.id);
              const info = infoOf(run.id);
              const best = row && comparison ? uniqueBest(row, comparison.runs.map((r) => r.id)) === run.id : false;
              return (
                <tr key={run.id} className="clickable" aria-selected={run.id === shownRunId} onClick={() => onShow(run.id)}>
                  <td onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" aria-label={`Compare ${run.name}`} checked={chosen.includes(run.id)} onChange={() => toggle(run.id)} className="checkbox" />
                  </td>
                  <td><div className="cell-title">{run.name}</div><div className="faint small mono">{run.id}</div></td>
                  {/* a custom template's label is its name, then its shots (promptLabel): one above the other, so the column stays narrow */}
                  <td><div className="stack gap-1">{promptLabelParts(info?.template ?? '—').map((part, i) => <Badge key={i} tone="accent">{part}</Badge>)}</div></td>
                  <td className="num mono">{info?.examples ?? '—'}</td>
                  <td className={best ? 'num mono cell-best' : 'num mono'}>{v && row ? formatMetric(row.name, v.value) : '—'}{best && <span className="best-mark" title="Best of these runs"> ★</span>}</td>
                  <td className="muted small mono">{v && row ? formatInterval(row.name, v.ci95) : '—'}</td>
                  <td><Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge></td>
                  <td className="muted small">{run.finishedAt ? formatDate(run.finishedAt) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
