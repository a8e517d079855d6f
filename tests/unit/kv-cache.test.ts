// The KV cache's surgery (native/models/kv-cache.ts) against reference arrays built element by element: join
// (left padding + stacking), trim, reorder (duplicates and increasing subsets, moved in place or copied), grow
// and copy, at capacities above the length; the tensors handed to a session; the capacity policy; and a consumed
// cache refusing further use.
import { describe, expect, it } from 'vitest';
import { CAPACITY_BLOCK, KvCache, planCapacity } from '../../native/models/kv-cache.ts';

const L = 2;
const H = 3;
const D = 4;

/** Reference contents, [layer][key 0 | value 1][b][h][s][d]; each element's value names its place. */
type Ref = number[][][][][][];

function reference(B: number, S: number, tag = 0): Ref {
  const at = (l: number, kv: number, b: number, h: number, s: number, d: number) => tag + l * 1e5 + kv * 1e4 + b * 1e3 + h * 100 + s * 10 + d + 1;
  return Array.from({ length: L }, (_, l) =>
    [0, 1].map((kv) => Array.from({ length: B }, (_, b) => Array.from({ length: H }, (_, h) => Array.from({ length: S }, (_, s) => Array.from({ length: D }, (_, d) => at(l, kv, b, h, s, d)))))),
  );
}

const zeros = (S: number) => Array.from({ length: S }, () => Array<number>(D).fill(0));

/** A cache holding `ref`, with room for `capacity` columns. */
function cacheOf(ref: Ref, capacity?: number): KvCache {
  const B = ref[0][0].length;
  const S = ref[0][0][0][0].length;
  const layers = ref.map((layer) => {
    const [key, value] = layer.map((rows) => Float32Array.from(rows.flat(3)));
    return { key, value };
  });
  const c = KvCache.of(B, H, D, S, layers);
  return capacity === undefined ? c : c.withCapacity(capacity);
}

/** `ref` with each (row, head) mapped by `f` over its columns. */
function mapRows(ref: Ref, f: (cols: number[][], b: number) => number[][]): Ref {
  return ref.map((layer) => layer.map((rows) => rows.map((heads, b) => heads.map((cols) => f(cols, b)))));
}

function expectHolds(c: KvCache, ref: Ref): void {
  const B = ref[0][0].length;
  const S = ref[0][0][0][0].length;
  expect([c.numLayers, c.batch, c.heads, c.length, c.headDim]).toEqual([L, B, H, S, D]);
  expect(c.capacity).toBeGreaterThanOrEqual(S);
  for (let l = 0; l < L; l++) {
    const got = c.layer(l);
    expect(got.dims).toEqual([B, H, S, D]);
    expect(Array.from(got.key)).toEqual(ref[l][0].flat(3));
    expect(Array.from(got.value)).toEqual(ref[l][1].flat(3));
  }
}

describe('KvCache', () => {
  it('grows and copies, keeping every column in place, and reads back its logical (B, nkv, S, hs) layers', () => {
    const ref = reference(2, 5);
    const wrapped = cacheOf(ref);
    expect(wrapped.capacity).toBe(5);
    const grown = wrapped.withCapacity(9);
    expect(grown.capacity).toBe(9);
    expectHolds(grown, ref);
    const copy = grown.copy();
    expectHolds(copy, ref);
    expect(copy.capacity).toBe(9);
    const shrunk = copy.withCapacity(5);
    expectHolds(shrunk, ref);
    expect(grown.layer(0).key).not.toBe(shrunk.layer(0).key);
  });

  it('hands a session tensors over the whole buffers, (B, nkv, Cap, hs), without copying', () => {
    const c = cacheOf(reference(2, 3), 8);
    const t = c.tensors(1);
    expect(t.key.dims).toEqual([2, H, 8, D]);
    const data = t.key.data as Float32Array;
    // Row 1, head 2, column 2, element 3 sits at ((1 * H + 2) * 8 + 2) * D + 3.
    expect(data[((1 * H + 2) * 8 + 2) * D + 3]).toBe(reference(2, 3)[1][0][1][2][2][3]);
    // A write through the tensor (what an in-place step does at column S) is then part of the cache.
    const next = c.extendedTo(4);
    data.fill(0.5, ((0 * H + 0) * 8 + 3) * D, ((0 * H + 0) * 8 + 4) * D);
    expect(Array.from(next.layer(1).key.subarray(3 * D, 4 * D))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(() => next.extendedTo(9)).toThrow(/room for 8/);
  });

  it.each([undefined, 12])('joins two batches left-padded to a common length (capacity %s)', (capacity) => {
    const a = reference(2, 3);
    const b = reference(1, 5, 0.5);
    const joined = KvCache.join(cacheOf(a, 4), cacheOf(b, 7), 2, 0, capacity);
    expect(joined.capacity).toBe(capacity ?? 5);
    const want = a.map((layer, l) => layer.map((rows, kv) => [...rows.map((heads) => heads.map((cols) => [...zeros(2), ...cols])), ...b[l][kv]]));
    expectHolds(joined, want);
    // Both pads at once: a 3-column and a 2-column cache padded to 6.
    const both = KvCache.join(cacheOf(reference(1, 3)), cacheOf(reference(2, 2, 0.25)), 3, 4);
    const want2 = reference(1, 3).map((layer, l) => layer.map((rows, kv) => [...rows.map((heads) => heads.map((cols) => [...zeros(3), ...cols])), ...reference(2, 2, 0.25)[l][kv].map((heads) => heads.map((cols) => [...zeros(4), ...cols]))]));
    expectHolds(both, want2);
    expect(() => KvCache.join(cacheOf(a), cacheOf(b), 1, 0)).toThrow(/do not line up/);
  });

  it.each([
    ['in place (same capacity)', 10, undefined],
    ['into new buffers', 10, 6],
    ['into exactly the length', 6, 4],
  ])('trims the leading columns %s', (_name, capacity, to) => {
    const ref = reference(3, 6);
    const trimmed = cacheOf(ref, capacity).trim(2, to);
    expect(trimmed.capacity).toBe(to ?? capacity);
    expectHolds(trimmed, mapRows(ref, (cols) => cols.slice(2)));
    expect(() => cacheOf(ref).trim(7)).toThrow(/cannot drop 7 of 6/);
  });

  it.each([
    ['beam parents with repeats', [1, 1, 0, 3]],
    ['an increasing subset (rows leaving a batch), moved in place', [0, 2, 3]],
    ['a subset starting later', [2, 3]],
    ['a reversed order', [3, 2, 1, 0]],
    ['the identity', [0, 1, 2, 3]],
  ])('reorders rows: %s', (_name, index) => {
    const ref = reference(4, 5);
    const pick = (r: Ref) => r.map((layer) => layer.map((rows) => index.map((b) => rows[b])));
    for (const capacity of [5, 9]) {
      const c = cacheOf(ref, capacity).reorder(index);
      expect(c.capacity).toBe(capacity);
      expectHolds(c, pick(ref));
      // The result runs on: it keeps working after more surgery.
      expectHolds(c.trim(1), mapRows(pick(ref), (cols) => cols.slice(1)));
    }
    const compact = cacheOf(ref, 9).reorder(index, 5);
    expect(compact.capacity).toBe(5);
    expectHolds(compact, pick(ref));
    expect(() => cacheOf(ref).reorder([4])).toThrow(/row 4 outside the batch of 4/);
  });

  it('refuses a cache consumed by a step or an operation, naming what consumed it', () => {
    const c = cacheOf(reference(1, 2), 4);
    const t = c.trim(1);
    expect(() => c.layer(0)).toThrow(/consumed by trim.*copy\(\)/);
    expect(() => c.tensors(0)).toThrow(/consumed by trim/);
    const kept = t.copy();
    t.spend('a forward step');
    expect(() => t.reorder([0])).toThrow(/consumed by a forward step/);
    expectHolds(kept, mapRows(reference(1, 2), (cols) => cols.slice(1)));
    const a = cacheOf(reference(1, 2));
    KvCache.join(a, cacheOf(reference(1, 2)), 0, 0);
    expect(() => a.copy()).toThrow(/consumed by join/);
    // Growing to the capacity it has is no copy and leaves it usable.
    expect(kept.withCapacity(kept.capacity)).toBe(kept);
  });

  it('plans room in blocks of 16 columns: kept while it suffices without two blocks to spare, else refitted', () => {
    expect(CAPACITY_BLOCK).toBe(16);
    expect(planCapacity(5, 0)).toBe(16);
    expect(planCapacity(16, 16)).toBe(16);
    expect(planCapacity(17, 16)).toBe(32);
    expect(planCapacity(130, 128)).toBe(144);
    expect(planCapacity(100, 131)).toBe(131); // 31 to spare: kept
    expect(planCapacity(99, 131)).toBe(112); // 32 to spare (a trim left it): refitted
  });
});
