// Counts and bytes as the CLI and the studio both print them (one formatter, native/api/format.ts).
import { describe, expect, it } from 'vitest';
import { humanBytes, humanCount } from '../../native/api/format.ts';

describe('human-readable sizes', () => {
  it('counts parameters with fewer decimals as the number grows', () => {
    expect([999, 1500, 260_000, 1_240_000, 124_000_000, 1_240_000_000].map(humanCount)).toEqual(['999', '1.5K', '260K', '1.2M', '124M', '1.24B']);
  });

  it('gives bytes in steps of 1024', () => {
    expect([512, 1536, 1.6 * 1024 ** 2, 150 * 1024 ** 3].map(humanBytes)).toEqual(['512 B', '1.5 KB', '1.6 MB', '150 GB']);
  });
});
