// The comparison's numbers: one row per metric, one column per run, each value with its 95% interval, and the top
// run marked as bestVerdict judges it: "best" where the sample tells it from every other run (a paired test where the
// runs scored the same examples, else an interval that clears the other's), "within noise"
// where it cannot, "lowest"/"highest" where there is no interval to tell.
import { NOT_RANKED, type Comparison } from '../../../../native/api/eval.ts';
import { seriesColor } from '../../ui/charts/index.ts';
import { Badge } from '../../ui/primitives.tsx';
import { bestVerdict, type BestVerdict } from '../../../../native/api/best-run.ts';
import { formatInterval, formatMetric, metricDirection, metricExplain, metricLabel } from '../evaluate/metrics.ts';

export function RunSwatch({ index }: { index: number }) {
  return <span className="swatch run-swatch" style={{ background: seriesColor(index) }} aria-hidden />;
}

/**
 * The mark beside the top value where it is not a clear best: its words short in the cell, why in its title (on hover)
 * and in hidden text after them (read out by a screen reader, which a title is not).
 */
function VerdictMark({ verdict, higherIsBetter }: { verdict: BestVerdict; higherIsBetter: boolean }) {
  if (verdict.kind === 'within-noise') {
    // not by name: the columns say whose interval is whose, and a run's name twice in its row is read out twice
    const paired = verdict.rivals.filter((r) => verdict.paired.includes(r)).length;
    const overlapping = verdict.rivals.length - paired;
    const reasons = [
      paired > 0 && `on the examples it shares with ${paired === 1 ? 'another run' : `${paired} other runs`} the paired test does not tell them apart (sign-flip p ≥ 0.05, or a 95% interval of the mean per-example difference that holds 0)`,
      overlapping > 0 && `its 95% interval overlaps ${overlapping === 1 ? 'another run’s' : `those of ${overlapping} other runs`}`,
    ].filter(Boolean);
    return <NotedBadge label="within noise" note={`Top value, but ${reasons.join('; and ')}: this sample cannot tell them apart.`} />;
  }
  if (verdict.kind === 'untested') {
    const top = higherIsBetter ? 'highest' : 'lowest';
    return <NotedBadge label={top} note={`The ${top} value. There is no 95% interval to test it against the noise, so it is not marked best.`} />;
  }
  return null;
}

function NotedBadge({ label, note }: { label: string; note: string }) {
  return <span className="compare-verdict" title={note}><Badge>{label}</Badge><span className="visually-hidden">: {note}</span></span>;
}

export function MetricsTable({ comparison }: { comparison: Comparison }) {
  const { runs } = comparison;
  // What ranks the runs first, in the comparison's order; then the settings and diagnostics, by name.
  const ranked = comparison.metrics.filter((m) => !NOT_RANKED.includes(m.name));
  const unranked = comparison.metrics.filter((m) => NOT_RANKED.includes(m.name)).sort((a, b) => metricLabel(a.name).localeCompare(metricLabel(b.name)));
  const metrics = [...ranked, ...unranked];
  return (
    <div className="table-wrap">
      <table className="table compare-table" aria-label="Metrics by run">
        <thead>
          <tr>
            <th>Metric</th>
            {runs.map((r, i) => (
              <th key={r.id} className="num" title={`${r.name}\n${r.id}`}>
                <span className="compare-run-head"><RunSwatch index={i} /><span className="compare-run-name">{r.name}</span></span>
                <span className="faint small compare-run-note">{r.template === null ? r.status : `${r.template} · ${r.examples} examples`}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => <MetricRow key={m.name} metric={m} runs={runs} />)}
        </tbody>
      </table>
    </div>
  );
}

/** One metric's row: its name and direction, then each run's value with its interval, the top run marked. */
function MetricRow({ metric: m, runs }: { metric: Comparison['metrics'][number]; runs: Comparison['runs'] }) {
  const verdict = bestVerdict(m, runs.map((r) => r.id));
  return (
    <tr>
      <td title={metricExplain(m.name)}>
        <div className="compare-metric-name">{metricLabel(m.name)}</div>
        <div className="faint small compare-metric-direction">{metricDirection(m.name, m.higherIsBetter)}</div>
      </td>
      {m.values.map((v, i) => {
        const top = verdict.kind !== 'none' && verdict.runId === runs[i].id;
        const best = top && verdict.kind === 'best';
        return (
          <td key={runs[i].id} className="num" data-best={best || undefined} data-verdict={top ? verdict.kind : undefined}>
            {v === null ? <span className="faint">—</span> : (
              <>
                <div className="compare-value">
                  {best && <Badge tone="success">best</Badge>}
                  {top && <VerdictMark verdict={verdict} higherIsBetter={m.higherIsBetter} />}
                  <span className="mono compare-value-number">{formatMetric(m.name, v.value)}</span>
                </div>
                <div className="faint small mono">{v.ci95 ? formatInterval(m.name, v.ci95) : ''}</div>
              </>
            )}
          </td>
        );
      })}
    </tr>
  );
}
