// How the pages shorten and print values: chart labels keep the part that tells runs apart, durations read in
// ms / s / min, and rates carry one decimal.
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../renderer/src/domain/format.ts';
import { formatMetric } from '../../renderer/src/pages/evaluate/metrics.ts';
import { clip, clipLabels } from '../../renderer/src/ui/charts/scale.ts';

describe('chart labels', () => {
  it('cut in the middle, keeping both ends', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('harbour · questions/all · hybrid', 15)).toBe('harbour… hybrid');
  });

  it('drop the start all labels share, so three runs of one dataset read apart', () => {
    const runs = ['harbour · questions/all · bm25', 'harbour · questions/all · dense', 'harbour · questions/all · hybrid'];
    expect(clipLabels(runs, 20)).toEqual(['…bm25', '…dense', '…hybrid']);
    expect(clipLabels(runs, 40)).toEqual(runs);
    expect(clipLabels(['a very long run name', 'another long name'], 12)).toEqual(['a very… name', 'anothe… name']);
  });
});

describe('durations', () => {
  const at = (ms: number) => formatDuration('2026-01-01T00:00:00.000Z', new Date(Date.parse('2026-01-01T00:00:00.000Z') + ms).toISOString());
  it('read in ms, s, min and h', () => {
    expect(at(0)).toBe('<1 ms');
    expect(at(4)).toBe('4 ms');
    expect(at(19_700)).toBe('19.7 s');
    expect(at(119_700)).toBe('2 min 0 s');
    expect(at(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
    expect(formatDuration(null, null)).toBe('—');
  });
});

describe('rates', () => {
  it('carry one decimal, like the other timings', () => {
    expect(formatMetric('tokens_per_second', 65.1319)).toBe('65.1');
    expect(formatMetric('tokens_per_second', 518.62)).toBe('518.6');
  });
});
