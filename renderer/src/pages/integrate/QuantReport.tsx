// Step 3 of the guided path: each variant measured beside fp32 (quantize-report.ts, every variant in its own
// process) as a table, and the three trade-offs as charts: how big, how fast, how good.
import type { DeployResult } from '../../../../native/api/deploy.ts';
import { columnFigure, humanBytes } from '../../../../native/api/format.ts';
import { TOKENS_PER_SECOND } from '../../../../native/api/labels.ts';
import { formatCount } from '../../domain/format.ts';
import { BarChart, seriesColor } from '../../ui/charts/index.ts';

type Rows = NonNullable<DeployResult['report']>;

/** Whole tokens per second with thousands grouped ("34,700"), in the table and on the Speed chart alike. */
const tokensPerSecond = (v: number): string => formatCount(Math.round(v));

export function QuantReportTable({ rows }: { rows: Rows }) {
  const fp32 = rows[0];
  return (
    <div className="table-wrap">
      <table className="table quant-table" aria-label="Quantisation report">
        <thead><tr><th>Variant</th><th className="num">File</th><th className="num nowrap">× fp32</th><th className="num">Peak memory</th><th className="num">Prefill {TOKENS_PER_SECOND}</th><th className="num">Decode {TOKENS_PER_SECOND}</th><th className="num">Perplexity</th><th className="num" title="Share of identical greedy tokens over a fixed prompt set">Agreement</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.dtype}>
              <td className="mono">{r.dtype}</td>
              <td className="num mono">{humanBytes(r.fileBytes)}</td>
              <td className="num mono">{(r.fileBytes / fp32.fileBytes).toFixed(2)}</td>
              {/* in the studio's units, as File beside it ("186 MB", not "186 MiB"); whole tokens per second, as the Speed chart */}
              <td className="num mono">{humanBytes(r.peakRssMb * 2 ** 20)}</td>
              <td className="num mono">{tokensPerSecond(r.prefillTokensPerSecond)}</td>
              <td className="num mono">{tokensPerSecond(r.decodeTokensPerSecond)}</td>
              <td className="num mono">{columnFigure(r.perplexity)}</td>
              <td className="num mono">{(100 * r.greedyAgreement).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function QuantReportCharts({ rows }: { rows: Rows }) {
  const bars = (value: (r: Rows[number]) => number) => rows.map((r, i) => ({ label: r.dtype, value: value(r), color: seriesColor(i) }));
  return (
    <div className="quant-charts charts-aligned" aria-label="Size, speed and quality">
      <BarChart title="Size" description="File size as a share of fp32; smaller loads faster and fits more." data={bars((r) => r.fileBytes / rows[0].fileBytes)} format={(v) => `${v.toFixed(2)}×`} unit="× fp32" />
      <BarChart title="Speed" description="Decode tokens per second, one thread; higher is better." data={bars((r) => r.decodeTokensPerSecond)} format={tokensPerSecond} unit={TOKENS_PER_SECOND} />
      <BarChart title="Quality" description="Perplexity on the held-out text; lower is better, fp32 is the baseline." data={bars((r) => r.perplexity)} format={columnFigure} unit="perplexity" reference={{ value: rows[0].perplexity, label: 'fp32' }} />
    </div>
  );
}
