// The decoder's KV cache between forward steps: per layer one key and one value buffer, Float32Array laid out
// (B, nkv, Cap, hs), of which the first `length` (S) columns of every (row, head) hold the cache and the rest is
// room for the columns a later step writes (see CausalLM: an in-place session writes them straight into these
// buffers; a grow session returns new tensors, wrapped here with capacity = length). The surgery continuous
// batching and beam search need — join, trim, reorder, grow — is plain JS copies per (row, head) segment of
// S × hs floats, with TypedArray.set / copyWithin.
//
// Ownership: a cache is consumed by the step or operation it is handed to (forward, trim, reorder, join, grow);
// the old object is then spent and refuses to be used again, because an in-place step or an in-place trim has
// overwritten or moved its columns. Code that needs the same cache twice (branching) takes a `copy()` first.
import { ort } from '../onnx/index.ts';

/** One layer's logical cache, copied out: key and value (B, nkv, S, hs) row-major. */
export interface KvLayer {
  key: Float32Array;
  value: Float32Array;
  dims: [number, number, number, number];
}

export class KvCache {
  private spent: string | null = null;

  private constructor(
    readonly batch: number,
    readonly heads: number,
    readonly headDim: number,
    /** S: the logical columns per (row, head). */
    readonly length: number,
    /** Cap >= S: the columns each (row, head) has room for. */
    readonly capacity: number,
    private readonly keys: Float32Array[],
    private readonly values: Float32Array[],
  ) {}

  /** A zero-filled cache of `length` columns (0: an empty cache) with room for `capacity`. */
  static empty(numLayers: number, batch: number, heads: number, headDim: number, capacity = 0, length = 0): KvCache {
    if (capacity < length) throw new RangeError(`KvCache: capacity ${capacity} below length ${length}`);
    const size = batch * heads * capacity * headDim;
    const make = () => Array.from({ length: numLayers }, () => new Float32Array(size));
    return new KvCache(batch, heads, headDim, length, capacity, make(), make());
  }

  /**
   * A cache over per-layer (B, nkv, S, hs) arrays, without copying them (capacity = length): a grow session's
   * `present.*` outputs, or reference data in tests.
   */
  static of(batch: number, heads: number, headDim: number, length: number, layers: { key: Float32Array; value: Float32Array }[]): KvCache {
    const size = batch * heads * length * headDim;
    layers.forEach((l, i) => {
      if (l.key.length < size || l.value.length < size) throw new RangeError(`KvCache.of: layer ${i} holds ${Math.min(l.key.length, l.value.length)} floats, (${batch}, ${heads}, ${length}, ${headDim}) needs ${size}`);
    });
    return new KvCache(batch, heads, headDim, length, length, layers.map((l) => l.key), layers.map((l) => l.value));
  }

  /** A cache over a grow session's outputs `present.N.key|value`, each (B, nkv, S, hs): no copy. */
  static fromTensors(present: { key: ort.Tensor; value: ort.Tensor }[]): KvCache {
    const [batch, heads, length, headDim] = present[0].key.dims;
    return KvCache.of(batch, heads, headDim, length, present.map((kv) => ({ key: kv.key.data as Float32Array, value: kv.value.data as Float32Array })));
  }

  get numLayers(): number {
    return this.keys.length;
  }

  /** Layer i's logical key and value (B, nkv, S, hs), copied out of the capacity buffers. */
  layer(i: number): KvLayer {
    this.check('read');
    const read = (buf: Float32Array) => {
      const out = new Float32Array(this.batch * this.heads * this.length * this.headDim);
      this.eachSegment((seg) => out.set(buf.subarray(seg * this.stride, seg * this.stride + this.segment), seg * this.segment));
      return out;
    };
    return { key: read(this.keys[i]), value: read(this.values[i]), dims: [this.batch, this.heads, this.length, this.headDim] };
  }

  /**
   * Tensors (B, nkv, Cap, hs) over layer i's buffers, no copy. An in-place session takes them as its past and,
   * the same objects, as its preallocated present; a grow session takes them when capacity = length.
   */
  tensors(i: number): { key: ort.Tensor; value: ort.Tensor } {
    this.check('run');
    const dims = [this.batch, this.heads, this.capacity, this.headDim];
    const size = this.batch * this.heads * this.capacity * this.headDim;
    const view = (buf: Float32Array) => new ort.Tensor('float32', buf.length === size ? buf : buf.subarray(0, size), dims);
    return { key: view(this.keys[i]), value: view(this.values[i]) };
  }

  /**
   * Write layer i's new columns: key and value (B, nkv, T, hs) row-major go to columns at..at+T−1 of every
   * (row, head) (an append-mode step's outputs; see CausalLM). Needs room: at + T <= capacity.
   */
  write(i: number, key: Float32Array, value: Float32Array, at: number, T: number): void {
    this.check('write');
    if (at + T > this.capacity) throw new RangeError(`KvCache.write: columns ${at}..${at + T - 1} beyond the capacity ${this.capacity}`);
    const hs = this.headDim;
    const span = T * hs;
    for (const [src, dst] of [[key, this.keys[i]], [value, this.values[i]]]) {
      if (src.length !== this.batch * this.heads * span) throw new RangeError(`KvCache.write: layer ${i} got ${src.length} floats, (${this.batch}, ${this.heads}, ${T}, ${hs}) needs ${this.batch * this.heads * span}`);
      this.eachSegment((seg) => dst.set(src.subarray(seg * span, (seg + 1) * span), seg * this.stride + at * hs));
    }
  }

  /** Mark this cache used up by `by` (a grow step that read it and returned a new one): it refuses further use. */
  spend(by: string): void {
    this.check('spend');
    this.spent = by;
  }

  /** This cache's buffers holding `length` columns (after an in-place step wrote the new ones); this one is spent. */
  extendedTo(length: number): KvCache {
    this.check('extend');
    if (length < this.length || length > this.capacity) throw new RangeError(`KvCache: cannot hold ${length} columns (has ${this.length}, room for ${this.capacity})`);
    return this.handOver(new KvCache(this.batch, this.heads, this.headDim, length, this.capacity, this.keys, this.values), 'a forward step');
  }

  /** The same columns with room for `capacity` (a copy; this one is spent unless `capacity` = the current one). */
  withCapacity(capacity: number): KvCache {
    this.check('grow');
    if (capacity === this.capacity) return this;
    if (capacity < this.length) throw new RangeError(`KvCache: capacity ${capacity} below length ${this.length}`);
    const out = KvCache.empty(this.numLayers, this.batch, this.heads, this.headDim, capacity, this.length);
    this.copyRows(out, Array.from({ length: this.batch }, (_, b) => b), 0, 0, this.length);
    return this.handOver(out, 'withCapacity');
  }

  /** An independent copy (same length and capacity): for a caller that runs the same cache more than once. */
  copy(): KvCache {
    this.check('copy');
    const out = KvCache.empty(this.numLayers, this.batch, this.heads, this.headDim, this.capacity, this.length);
    this.copyRows(out, Array.from({ length: this.batch }, (_, b) => b), 0, 0, this.length);
    return out;
  }

  /**
   * Without the first `drop` columns (ones no row attends to any more), with room for `capacity` (default: the
   * same). At the same capacity the columns move down inside these buffers (copyWithin); this one is spent.
   */
  trim(drop: number, capacity = this.capacity): KvCache {
    this.check('trim');
    if (!Number.isInteger(drop) || drop < 0 || drop > this.length) throw new RangeError(`KvCache.trim: cannot drop ${drop} of ${this.length} columns`);
    const length = this.length - drop;
    if (capacity !== this.capacity) {
      if (capacity < length) throw new RangeError(`KvCache.trim: capacity ${capacity} below length ${length}`);
      const out = KvCache.empty(this.numLayers, this.batch, this.heads, this.headDim, capacity, length);
      this.copyRows(out, Array.from({ length: this.batch }, (_, b) => b), drop, 0, length);
      return this.handOver(out, 'trim');
    }
    if (drop > 0) {
      const span = length * this.headDim;
      const from = drop * this.headDim;
      for (const buf of [...this.keys, ...this.values]) this.eachSegment((seg) => buf.copyWithin(seg * this.stride, seg * this.stride + from, seg * this.stride + from + span));
    }
    return this.handOver(new KvCache(this.batch, this.heads, this.headDim, length, this.capacity, this.keys, this.values), 'trim');
  }

  /**
   * The rows picked by `index` (a row may appear more than once: beam search's parents; or a subset: rows that
   * leave a batch), with room for `capacity` (default: the same). An increasing subset at the same capacity moves
   * inside these buffers; anything else is copied. This one is spent.
   */
  reorder(index: number[], capacity = this.capacity): KvCache {
    this.check('reorder');
    const bad = index.find((b) => !Number.isInteger(b) || b < 0 || b >= this.batch);
    if (bad !== undefined) throw new RangeError(`KvCache.reorder: row ${bad} outside the batch of ${this.batch}`);
    if (capacity < this.length) throw new RangeError(`KvCache.reorder: capacity ${capacity} below length ${this.length}`);
    const increasing = index.every((b, i) => b >= i && (i === 0 || b > index[i - 1]));
    if (capacity === this.capacity && increasing) {
      const rowSize = this.heads * this.stride;
      for (const buf of [...this.keys, ...this.values]) {
        // Row index[i] >= i moves down to row i; rows read later (index[j] > index[i]) are not yet overwritten.
        index.forEach((b, i) => b !== i && buf.copyWithin(i * rowSize, b * rowSize, (b + 1) * rowSize));
      }
      return this.handOver(new KvCache(index.length, this.heads, this.headDim, this.length, this.capacity, this.keys, this.values), 'reorder');
    }
    const out = KvCache.empty(this.numLayers, index.length, this.heads, this.headDim, capacity, this.length);
    this.copyRows(out, index, 0, 0, this.length);
    return this.handOver(out, 'reorder');
  }

  /**
   * `a` and `b` stacked along the batch axis (a's rows first), each after `padA` / `padB` zero (masked) columns on
   * its left so that both reach the same length, with room for `capacity` (default: that length). Both are spent.
   */
  static join(a: KvCache, b: KvCache, padA: number, padB: number, capacity?: number): KvCache {
    a.check('join');
    b.check('join');
    if (a.numLayers !== b.numLayers || a.heads !== b.heads || a.headDim !== b.headDim) {
      throw new RangeError(`KvCache.join: layouts differ (${a.numLayers} layers × ${a.heads} heads × ${a.headDim} vs ${b.numLayers} × ${b.heads} × ${b.headDim})`);
    }
    const length = a.length + padA;
    if (b.length + padB !== length || padA < 0 || padB < 0) throw new RangeError(`KvCache.join: ${a.length} + ${padA} and ${b.length} + ${padB} columns do not line up`);
    const out = KvCache.empty(a.numLayers, a.batch + b.batch, a.heads, a.headDim, capacity ?? length, length);
    if (out.capacity < length) throw new RangeError(`KvCache.join: capacity ${out.capacity} below length ${length}`);
    a.copyRows(out, Array.from({ length: a.batch }, (_, r) => r), 0, padA, a.length);
    b.copyRows(out, Array.from({ length: b.batch }, (_, r) => r), 0, padB, b.length, a.batch);
    a.handOver(out, 'join');
    b.handOver(out, 'join');
    return out;
  }

  /** Floats between one (row, head)'s columns and the next's in the buffers. */
  private get stride(): number {
    return this.capacity * this.headDim;
  }

  /** Floats of one (row, head)'s logical columns. */
  private get segment(): number {
    return this.length * this.headDim;
  }

  private eachSegment(fn: (seg: number) => void): void {
    for (let seg = 0; seg < this.batch * this.heads; seg++) fn(seg);
  }

  /** Copy `count` columns from `from` of each row `rows[r]` to column `to` of row `firstRow + r` of `out`. */
  private copyRows(out: KvCache, rows: number[], from: number, to: number, count: number, firstRow = 0): void {
    const hs = this.headDim;
    for (let l = 0; l < this.numLayers; l++) {
      for (const [src, dst] of [[this.keys[l], out.keys[l]], [this.values[l], out.values[l]]]) {
        rows.forEach((b, r) => {
          for (let h = 0; h < this.heads; h++) {
            const s = (b * this.heads + h) * this.stride + from * hs;
            dst.set(src.subarray(s, s + count * hs), ((firstRow + r) * out.heads + h) * out.stride + to * hs);
          }
        });
      }
    }
  }

  private handOver(next: KvCache, by: string): KvCache {
    if (next !== this) this.spent = by;
    return next;
  }

  private check(what: string): void {
    if (this.spent) {
      throw new Error(`KvCache: cannot ${what} a cache already consumed by ${this.spent} (its buffers now belong to the result; take a copy() before using a cache twice)`);
    }
  }
}

/** Capacity is allocated in whole blocks of this many columns. */
export const CAPACITY_BLOCK = 16;

/**
 * The capacity to give a cache that must hold `needed` columns and has room for `current` now: `current` while it
 * suffices with less than two blocks to spare, else `needed` rounded up to a block. Tight on purpose: room beyond
 * S costs every step — an append-mode step reads the whole buffer in attention (the room masked), and an in-place
 * step's present, which onnxruntime-node (1.30) copies back into a new JS buffer after each run, spans the whole
 * capacity (measured on gpt2-124M, 8 rows, S = 136: 93 ms CPU a step at capacity 136, 151 ms at 256). Growing by a
 * block instead copies the cache once every 16 steps.
 */
export function planCapacity(needed: number, current: number): number {
  if (needed <= current && current - needed < 2 * CAPACITY_BLOCK) return current;
  return Math.ceil(needed / CAPACITY_BLOCK) * CAPACITY_BLOCK;
}
