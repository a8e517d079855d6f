// Validity checks of readers' results shared by several fuzz files: what the code after the reader assumes.
import type { ModelSpec } from '../../native/models/config.ts';
import { expectedTensors } from '../../native/models/params.ts';

/** What every graph builder assumes of a spec. */
export function checkSpec(s: ModelSpec): void {
  const sizes = { vocabSize: s.vocabSize, hiddenSize: s.hiddenSize, numLayers: s.numLayers, numHeads: s.numHeads, numKvHeads: s.numKvHeads, headDim: s.headDim, intermediateSize: s.intermediateSize, maxPositions: s.maxPositions };
  for (const [k, v] of Object.entries(sizes)) if (!Number.isSafeInteger(v) || v < 1) throw new Error(`spec.${k} = ${v}`);
  if (s.numHeads % s.numKvHeads !== 0) throw new Error(`heads ${s.numHeads} / kv ${s.numKvHeads}`);
  if (!(s.normEps > 0 && Number.isFinite(s.normEps))) throw new Error(`normEps ${s.normEps}`);
  if (typeof s.modelType !== 'string' || typeof s.architecture !== 'string') throw new Error(`modelType ${String(s.modelType)}`);
  if (s.rope) {
    const sc = s.rope.scaling;
    const numbers = [s.rope.theta, ...(sc ? Object.values(sc).filter((v) => typeof v === 'number') : [])];
    if (!numbers.every((n) => Number.isFinite(n) && n > 0)) throw new Error(`rope ${JSON.stringify(s.rope)}`);
    if (s.headDim % 2 !== 0) throw new Error(`RoPE needs an even head_dim, got ${s.headDim}`);
  }
  if (!s.eosTokenIds.every((id) => Number.isSafeInteger(id))) throw new Error(`eos ${JSON.stringify(s.eosTokenIds)}`);
  const t0 = performance.now();
  const tensors = expectedTensors(s).length;
  if (performance.now() - t0 > 200) throw new Error(`expectedTensors took ${performance.now() - t0} ms for ${tensors} tensors`);
}
