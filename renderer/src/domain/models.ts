// What a model in the studio can be used for, from how it was made.
import type { Model } from '../../../native/api/schemas.ts';

/** Whether training, merging, export and Inside's attention maps can start from this model: a quantised variant
 *  (source 'quantize:<id>:<dtype>', native/deploy/quantize-model.ts) keeps only ONNX weights, so the engine refuses
 *  it after the job has started; the pickers leave it out instead. Generation, evaluation and serving take it. */
export function hasSourceWeights(model: Pick<Model, 'source'>): boolean {
  return !model.source.startsWith('quantize:');
}
