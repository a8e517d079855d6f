// The comparison's numbers: one row per metric, one column per run, each value with its 95% interval and the
// best run marked (by the metric's own direction).
import { NOT_RANKED, type Comparison } from '../../../../native/api/eval.ts';
import { seriesColor } from '../../ui/charts/index.ts';
import { Badge } from '../../ui/primitives.tsx';
import { formatInterval, formatMetric, metricDirection, metricExplain, metricLabel, uniqueBest } from '../evaluate/metrics.ts';

export function RunSwatch({ index }: { index: number }) {
  return <span className="swatch run-swatch" style={{ background: seriesColor(index) }} aria-hidden />;
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
          {metrics.map((m) => (
            <tr key={m.name}>
              <td title={metricExplain(m.name)}>
                <div className="compare-metric-name">{metricLabel(m.name)}</div>
                <div className="faint small compare-metric-direction">{metricDirection(m.name, m.higherIsBetter)}</div>
              </td>
              {m.values.map((v, i) => {
                const best = uniqueBest(m, runs.map((r) => r.id)) === runs[i].id;
                return (
                  <td key={runs[i].id} className="num" data-best={best || undefined}>
                    {v === null ? <span className="faint">—</span> : (
                      <>
                        <div className="compare-value">
                          {best && <Badge tone="success">best</Badge>}
                          <span className="mono compare-value-number">{formatMetric(m.name, v.value)}</span>
                        </div>
                        <div className="faint small mono">{v.ci95 ? formatInterval(m.name, v.ci95) : ''}</div>
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
