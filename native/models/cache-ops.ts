// KV-cache surgery for continuous batching (native/generate/continuous.ts), run inside onnxruntime: joining two
// batches' caches into one (each left-padded along the sequence axis to a common length, then stacked along the
// batch axis) and dropping leading sequence columns that no row attends to any more. Each is one small graph over
// every layer's key and value at once, built on first use.
import { GraphBuilder, createSession, ort, type Session } from '../onnx/index.ts';
import type { KvCache } from './decoder.ts';

const INT64_MAX = 2n ** 63n - 1n;

export class KvCacheOps {
  private join: Promise<Session> | null = null;
  private trim: Promise<Session> | null = null;

  constructor(
    private readonly numLayers: number,
    private readonly threads: number | undefined,
  ) {}

  /** `a` and `b` stacked along the batch axis, after `padA` / `padB` empty (masked) columns on their left. */
  async joinCaches(a: KvCache, b: KvCache, padA: number, padB: number): Promise<KvCache> {
    this.join ??= createSession(this.joinGraph(), { intraOpNumThreads: this.threads });
    const pads = (n: number) => new ort.Tensor('int64', BigInt64Array.from([0, 0, n, 0, 0, 0, 0, 0].map(BigInt)), [8]);
    const feeds: Record<string, ort.Tensor> = { pad_a: pads(padA), pad_b: pads(padB) };
    this.feed(feeds, 'a', a);
    this.feed(feeds, 'b', b);
    return this.unpack(await (await this.join).run(feeds));
  }

  /** The cache without its first `drop` sequence columns. */
  async trimCache(cache: KvCache, drop: number): Promise<KvCache> {
    this.trim ??= createSession(this.trimGraph(), { intraOpNumThreads: this.threads });
    const feeds: Record<string, ort.Tensor> = { start: new ort.Tensor('int64', BigInt64Array.from([BigInt(drop)]), [1]) };
    this.feed(feeds, 'c', cache);
    return this.unpack(await (await this.trim).run(feeds));
  }

  private feed(feeds: Record<string, ort.Tensor>, prefix: string, cache: KvCache): void {
    cache.forEach((kv, i) => {
      feeds[`${prefix}${2 * i}`] = kv.key;
      feeds[`${prefix}${2 * i + 1}`] = kv.value;
    });
  }

  private unpack(out: Record<string, ort.Tensor>): KvCache {
    return Array.from({ length: this.numLayers }, (_, i) => ({ key: out[`out${2 * i}`], value: out[`out${2 * i + 1}`] }));
  }

  private joinGraph(): GraphBuilder {
    const g = new GraphBuilder({ name: 'kv-join', opset: 23 });
    const padA = g.input('pad_a', 'int64', [8]);
    const padB = g.input('pad_b', 'int64', [8]);
    for (let i = 0; i < 2 * this.numLayers; i++) {
      const a = g.op('Pad', [g.input(`a${i}`, 'float32', ['Ba', 'H', 'Sa', 'D']), padA]); // (Ba, H, S, D)
      const b = g.op('Pad', [g.input(`b${i}`, 'float32', ['Bb', 'H', 'Sb', 'D']), padB]); // (Bb, H, S, D)
      g.output(g.op('Concat', [a, b], { axis: 0 }), `out${i}`); // (Ba + Bb, H, S, D)
    }
    return g;
  }

  private trimGraph(): GraphBuilder {
    const g = new GraphBuilder({ name: 'kv-trim', opset: 23 });
    const start = g.input('start', 'int64', [1]);
    const end = g.constant(BigInt64Array.from([INT64_MAX]), [1], 'int64');
    const axis = g.constant(BigInt64Array.from([2n]), [1], 'int64');
    for (let i = 0; i < 2 * this.numLayers; i++) {
      g.output(g.op('Slice', [g.input(`c${i}`, 'float32', ['B', 'H', 'S', 'D']), start, end, axis]), `out${i}`); // (B, H, S − start, D)
    }
    return g;
  }

  async release(): Promise<void> {
    const sessions = await Promise.all([this.join, this.trim]);
    await Promise.all(sessions.map((s) => s?.release()));
  }
}
