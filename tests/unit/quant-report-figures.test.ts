// The quantisation report says each variant's perplexity the same way in `lathe quantize --report`'s Markdown table
// and in the studio's table and Quality chart: four significant digits, zeros kept in a column (columnFigure). The
// CLI printed three decimals and the studio two, so one run read 5.123 in the terminal and 5.12 in the app.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { QuantReportRow } from '../../native/api/deploy.ts';
import { reportTable } from '../../native/deploy/quantize-report.ts';
import { QuantReportCharts, QuantReportTable } from '../../renderer/src/pages/integrate/QuantReport.tsx';

const row = (dtype: QuantReportRow['dtype'], perplexity: number, fileBytes: number): QuantReportRow => ({
  dtype, fileBytes, perplexity, peakRssMb: 180, rssBeforeMb: 90, loadSeconds: 0.2, prefillTokensPerSecond: 8947, decodeTokensPerSecond: 2047.9, scoredTokens: 1024, greedyAgreement: 0.97,
});
const rows = [row('fp32', 5.12345, 1_000_000), row('q8', 5.1, 500_000), row('q4', 12.3456, 300_000)];

describe('the quantisation report perplexity', () => {
  it('reads the same in the CLI table and the studio table: four significant digits', () => {
    const cli = reportTable(rows).split('\n').slice(2).map((line) => line.split('|').map((c) => c.trim())[7]);
    const html = renderToStaticMarkup(createElement(QuantReportTable, { rows }));
    const studio = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1])[6]);
    expect(cli).toEqual(['5.123', '5.100', '12.35']);
    expect(studio).toEqual(cli);
  });

  it("keys the Quality chart's fp32 line with the table's figure", () => {
    const html = renderToStaticMarkup(createElement(QuantReportCharts, { rows }));
    expect(html.match(/chart-swatch-dashed[^>]*><\/span>([^<]*)<\/span>/)?.[1]).toBe('fp32 5.123');
  });
});
