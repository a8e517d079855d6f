// The CLI's one table style. A new user's review found eval's and `lathe metrics`' tables with lower-case headers
// over dashed rules beside the lists' capitals without, counts left-aligned in `dataset list`, and NAME before ID in
// `model list` only.
import { describe, expect, it } from 'vitest';
import { metricsTable } from '../../native/cli/eval.ts';
import { lastMetricsText } from '../../native/cli/runs.ts';
import { formatTable, numericColumn } from '../../native/cli/table.ts';

describe('formatTable: the one table style', () => {
  it('right-aligns a column of numbers (grouped counts, decimals, percentages, sizes), its header over the digits', () => {
    const out = formatTable(['ID', 'NAME', 'ROWS', 'SHARE'], [['ds_1', 'reviews', '12,345', '87%'], ['ds_2', 'faq', '7', '—']]);
    expect(out.split('\n')).toEqual([
      'ID    NAME       ROWS  SHARE',
      'ds_1  reviews  12,345    87%',
      'ds_2  faq           7      —',
    ]);
  });

  it('keeps text, dates and mixed columns left-aligned', () => {
    expect(numericColumn(['2026-12-07 11:20', '2026-12-06 09:00'])).toBe(false);
    expect(numericColumn(['s260k', '12'])).toBe(false);
    expect(numericColumn(['—', ''])).toBe(false); // no number at all: not a numeric column
    expect(numericColumn(['260K', '1.2 MiB', '-3e-4', '0.5'])).toBe(true);
    expect(formatTable(['NAME', 'CREATED'], [['a', '2026-12-07'], ['bbb', '2026-12-06']]).split('\n')).toEqual(['NAME  CREATED', 'a     2026-12-07', 'bbb   2026-12-06']);
  });

  it("writes eval's, runs show's and the metrics' tables as the lists are: capitals, no rule under the header", () => {
    const evalTable = metricsTable([{ name: 'rougeL', value: 0.25, ci95: { low: 0.1, high: 0.4 }, higherIsBetter: true }, { name: 'bleu', value: 0.125, ci95: null, higherIsBetter: true }]);
    const [header, ...rows] = evalTable.split('\n');
    expect(header).toMatch(/^METRIC\s+VALUE\s+95% CI$/);
    expect(rows).toHaveLength(2);
    expect(evalTable).not.toMatch(/^-+/m);
    const training = lastMetricsText([{ name: 'loss', step: 12000, value: 2.5 }], false).split('\n');
    expect(training[1]).toMatch(/^METRIC\s+VALUE\s+STEP$/);
    expect(training[2]).toMatch(/^loss\s+2\.5\s+12,000$/);
  });
});
