// The live request log of the studio's API server: the latest requests (newest first) as the server wrote them
// to the store — time, endpoint, model, tokens in and out, latency, decode rate and status.
import { METRIC_LABELS } from '../../../../native/api/labels.ts';
import type { ApiRequestLogEntry } from '../../../../native/api/serve-api.ts';
import { Badge, EmptyState } from '../../ui/primitives.tsx';

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour12: false });

function statusTone(r: ApiRequestLogEntry): 'success' | 'warning' | 'danger' {
  if (r.status < 400) return 'success';
  return r.outcome === 'cancelled' || r.status === 429 ? 'warning' : 'danger';
}

/** How a request ended, in words: the server logs the OpenAI finish reason ('stop', 'length') or what went wrong. */
const OUTCOME_LABEL: Record<string, string> = {
  stop: 'finished',
  length: 'stopped at max tokens',
  cancelled: 'client went away',
  error: 'error',
  ok: 'ok',
};
const outcomeLabel = (outcome: string) => OUTCOME_LABEL[outcome] ?? outcome;

export function ApiRequestLog({ rows, running }: { rows: ApiRequestLogEntry[]; running: boolean }) {
  if (rows.length === 0) {
    return (
      <EmptyState icon="activity" title="No requests yet">
        {running ? 'Run one of the snippets above: each request appears here within a second.' : 'Start the server, then call it from an application or with a snippet: its requests appear here.'}
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap serve-log">
      <table className="table" aria-label="API requests" data-testid="api-request-log">
        <thead>
          <tr>
            <th>Time</th><th>Request</th><th>Model</th>
            <th className="num">Tokens in</th><th className="num">Tokens out</th><th className="num">Latency</th><th className="num">{METRIC_LABELS.tokens_per_second}</th><th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="mono">{clock(r.time)}</td>
              <td className="mono">{r.endpoint}</td>
              <td>{r.model ?? '—'}</td>
              <td className="num mono">{r.promptTokens}</td>
              <td className="num mono">{r.completionTokens}</td>
              <td className="num mono">{r.latencyMs < 1000 ? `${r.latencyMs.toFixed(0)} ms` : `${(r.latencyMs / 1000).toFixed(2)} s`}</td>
              <td className="num mono">{r.tokensPerSecond == null ? '—' : r.tokensPerSecond.toFixed(1)}</td>
              <td>
                <Badge tone={statusTone(r)}>{r.status} · {outcomeLabel(r.outcome)}</Badge>
                {r.error && <div className="small muted serve-log-error">{r.error}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
