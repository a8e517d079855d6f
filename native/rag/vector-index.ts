// Exact nearest-neighbour search over a collection's vectors as one ONNX Runtime call: scores = Q · Mᵀ, then TopK.
// The matrix M (N, D) stays in memory; adding or removing documents changes its rows without re-embedding the rest.
import { GraphBuilder, createSession, ort, type Session } from '../onnx/index.ts';

export interface VectorHit {
  id: number;
  score: number;
}

let searchSession: Promise<Session> | undefined;
let searchThreads: number | undefined;

/** One graph for every collection: query (Q, D) against matrix (N, D), the best K per query. */
function session(threads?: number): Promise<Session> {
  if (!searchSession || searchThreads !== threads) {
    const g = new GraphBuilder({ name: 'vector-search', opset: 23 });
    const q = g.input('query', 'float32', ['Q', 'D']);
    const m = g.input('matrix', 'float32', ['N', 'D']);
    const k = g.input('k', 'int64', [1]);
    const scores = g.op('Gemm', [q, m], { transB: 1 }); // (Q, N) cosine similarities of unit vectors
    const [values, indices] = g.opN('TopK', [scores, k], 2, { axis: -1, largest: 1, sorted: 1 });
    g.output(values, 'scores');
    g.output(indices, 'indices');
    searchThreads = threads;
    searchSession = createSession(g, { intraOpNumThreads: threads });
  }
  return searchSession;
}

export class VectorIndex {
  private matrix: Float32Array;
  private ids: number[];

  constructor(readonly dim: number, ids: number[] = [], matrix: Float32Array = new Float32Array(0)) {
    if (matrix.length !== ids.length * dim) throw new Error(`vector index: ${matrix.length} values for ${ids.length} rows of ${dim}`);
    this.ids = [...ids];
    this.matrix = matrix;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Append rows (their vectors already computed). */
  add(ids: readonly number[], vectors: readonly Float32Array[]): void {
    const grown = new Float32Array((this.ids.length + ids.length) * this.dim);
    grown.set(this.matrix);
    vectors.forEach((v, i) => {
      if (v.length !== this.dim) throw new Error(`vector index: a vector of ${v.length} values for an index of ${this.dim}`);
      grown.set(v, (this.ids.length + i) * this.dim);
    });
    this.matrix = grown;
    this.ids.push(...ids);
  }

  /** Drop the rows of these ids. */
  remove(ids: Iterable<number>): void {
    const drop = new Set(ids);
    const keep = this.ids.map((id, i) => (drop.has(id) ? -1 : i)).filter((i) => i >= 0);
    const next = new Float32Array(keep.length * this.dim);
    keep.forEach((row, i) => next.set(this.matrix.subarray(row * this.dim, (row + 1) * this.dim), i * this.dim));
    this.matrix = next;
    this.ids = keep.map((row) => this.ids[row]);
  }

  /** The `k` rows nearest to each query (best first). */
  async search(queries: readonly Float32Array[], k: number, threads?: number): Promise<VectorHit[][]> {
    const K = Math.min(k, this.ids.length);
    if (!K || !queries.length) return queries.map(() => []);
    const Q = new Float32Array(queries.length * this.dim);
    queries.forEach((q, i) => Q.set(q, i * this.dim));
    const s = await session(threads);
    const out = await s.run({
      query: new ort.Tensor('float32', Q, [queries.length, this.dim]),
      matrix: new ort.Tensor('float32', this.matrix, [this.ids.length, this.dim]),
      k: new ort.Tensor('int64', BigInt64Array.from([BigInt(K)]), [1]),
    });
    const scores = out.scores.data as Float32Array;
    const indices = out.indices.data as BigInt64Array;
    return queries.map((_, qi) => Array.from({ length: K }, (_, j) => ({ id: this.ids[Number(indices[qi * K + j])], score: scores[qi * K + j] })));
  }
}
