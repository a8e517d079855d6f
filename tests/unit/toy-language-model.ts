// A toy language model for decoding tests: its next-token distribution is a table lookup on the row's
// (unpadded) history, carried in its "KV cache" so that cache reordering and left padding mistakes change the
// output. It counts forward passes, so a test can tell how many decode steps ran.
import type { LanguageModel } from '../../native/generate/generate.ts';

/** Next-token probabilities by history (tokens joined by ','); unknown histories use `fallback`. */
export class ToyModel implements LanguageModel<number[][]> {
  calls = 0;
  constructor(
    readonly vocabSize: number,
    private readonly table: Record<string, number[]>,
    private readonly fallback: (history: number[]) => number[],
  ) {}
  emptyCache(batch: number): number[][] {
    return Array.from({ length: batch }, () => []);
  }
  async forward(ids: number[][], mask: number[][], past: number[][]) {
    this.calls++;
    const T = ids[0].length;
    const V = this.vocabSize;
    const logits = new Float32Array(ids.length * T * V);
    const present = ids.map((r, b) => {
      const history = [...past[b]];
      r.forEach((id, t) => {
        if (mask[b][mask[b].length - T + t]) history.push(id);
        const p = this.table[history.join(',')] ?? this.fallback(history);
        p.forEach((x, v) => (logits[(b * T + t) * V + v] = Math.log(x)));
      });
      return history;
    });
    return { logits, present };
  }
  async reorderCache(cache: number[][], index: number[]) {
    return index.map((i) => [...cache[i]]);
  }
}

/** Token i decodes to the i-th letter. */
export const letters = { decode: (ids: number[]) => ids.map((i) => 'abcdefghijklmnopqrstuvwxyz'[i] ?? '').join('') };
