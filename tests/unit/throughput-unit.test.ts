// Throughput reads one way in the studio: "tokens/s" after a value (the playground's 215 tokens/s, a chart's unit),
// "Tokens/s" heading a tile or a column. The pages once said "Tokens / s" on the run and evaluation tiles and
// "tok/s" in the playground and the quantisation table.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_LABELS, TOKENS_PER_SECOND } from '../../native/api/labels.ts';
import { metricLabel } from '../../renderer/src/pages/evaluate/metrics.ts';

const RENDERER = path.join(import.meta.dirname, '../../renderer/src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

describe('the throughput unit', () => {
  it('is tokens/s, and Tokens/s as a label', () => {
    expect(TOKENS_PER_SECOND).toBe('tokens/s');
    expect(METRIC_LABELS.tokens_per_second).toBe('Tokens/s');
    expect(metricLabel('tokens_per_second')).toBe('Tokens/s');
  });

  it('has no other spelling in the renderer', () => {
    const other = /\btok\/s\b|\btokens \/ s\b|\btok\/sec\b/i;
    const offenders = sources(RENDERER).flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').map((line, i) => ({ file, line, i }))
      .filter(({ line }) => other.test(line)).map(({ file, line, i }) => `${path.relative(RENDERER, file)}:${i + 1}: ${line.trim()}`));
    expect(offenders).toEqual([]);
  });
});
