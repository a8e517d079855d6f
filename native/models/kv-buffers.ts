// Where CausalLM.forward writes each step's present key/values. Left to itself, onnxruntime-node allocates every
// output in ORT and copies it into a fresh JS ArrayBuffer on each run: for a decode step that is the whole KV cache
// copied once more and written to new (page-faulting) memory, which made a step's cost grow ~1 ms per MB of cache.
// Instead the outputs are preallocated (session.run's `fetches`) as views into buffers kept here, so the graph's
// Concat writes the cache once, straight into memory that is already mapped.
//
// Each chain of decode steps ping-pongs between two buffer sets: step n + 1 reads cache n and writes into the
// buffers that held cache n − 1 (which step n consumed). A cache is therefore valid until the step after the one
// that read it: handing a cache to forward() again after its buffers were reused is refused with an error (never
// silently corrupt), and branching from an older cache (forward twice from one cache) gets fresh buffers. Caches
// from elsewhere (emptyCache, reorder/join/trim) are read only; the first step after them allocates.
import { ort } from '../onnx/index.ts';
import type { KvCache } from './decoder.ts';

interface BufferSet {
  /** Key and value of every layer, each with room for `capacity` floats. */
  arrays: Float32Array[];
  capacity: number;
  /** The cache whose data these buffers hold now (only it may be read from them). */
  owner: KvCache;
  /** The buffers this step read from: free for the step after this one. */
  previous: BufferSet | null;
  /** previous.owner when this set was written; if it changed since, another branch took `previous`. */
  previousOwner: KvCache | null;
}

/** Spare room per buffer, in sequence positions, so the ping-pong survives many steps before a larger set is made. */
const SLACK_POSITIONS = 64;

/** The owner of buffers a step is writing: no cache may be read from them until the step hands them its present. */
const BEING_WRITTEN: KvCache = [];

export class KvBuffers {
  private readonly sets = new WeakMap<KvCache, BufferSet>();

  constructor(
    private readonly numLayers: number,
    private readonly numKvHeads: number,
    private readonly headDim: number,
  ) {}

  /** Refuse a cache whose buffers a later step has already overwritten. */
  check(past: KvCache): void {
    const set = this.sets.get(past);
    if (set && set.owner !== past) {
      throw new Error('forward: this KV cache was already advanced two steps further and its buffers reused; pass the newest cache (each step consumes the cache before the one it reads)');
    }
  }

  /**
   * Output tensors for the present key/values of a step reading `past` and producing (B, nkv, S, hs) per layer,
   * in the order key 0, value 0, key 1, … Call `adopt` with the cache they become once the step ran.
   */
  outputs(past: KvCache, batch: number, seqLength: number): { tensors: ort.Tensor[]; adopt(present: KvCache): void } {
    const need = batch * this.numKvHeads * seqLength * this.headDim;
    const pastSet = this.sets.get(past) ?? null;
    const spare = pastSet?.previous ?? null;
    let set: BufferSet;
    if (spare && spare.owner === pastSet!.previousOwner && spare.capacity >= need) {
      set = spare;
      set.owner = BEING_WRITTEN; // the cache that held them is gone from here on, even if the step fails
    } else {
      const capacity = batch * this.numKvHeads * (seqLength + SLACK_POSITIONS) * this.headDim;
      set = { arrays: Array.from({ length: 2 * this.numLayers }, () => new Float32Array(capacity)), capacity, owner: BEING_WRITTEN, previous: null, previousOwner: null };
    }
    const dims = [batch, this.numKvHeads, seqLength, this.headDim];
    const tensors = set.arrays.map((a) => new ort.Tensor('float32', a.subarray(0, need), dims));
    return {
      tensors,
      adopt: (present) => {
        set.owner = present;
        set.previous = pastSet;
        set.previousOwner = past;
        if (pastSet) pastSet.previous = null; // its spare is taken (or dropped): one chain, two buffer sets
        this.sets.set(present, set);
      },
    };
  }
}
