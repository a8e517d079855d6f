// The sentence encoders Lathe builds: which folders they are and their configuration live in
// models/encoder-config.ts (import needs them too); here each family's config gets its graph builder (bert.ts,
// nomic-bert.ts).
import type { GraphBuilder } from '../onnx/index.ts';
import type { CheckpointWeights } from '../models/checkpoint.ts';
import { parseEncoderConfig as parseConfig, type EncoderConfig } from '../models/encoder-config.ts';
import { buildBertGraph, type Pooling } from './bert.ts';
import { buildNomicBertGraph } from './nomic-bert.ts';

export { ENCODER_MODEL_TYPES, isEncoderConfig } from '../models/encoder-config.ts';

export interface EncoderSpec extends EncoderConfig {
  build(w: CheckpointWeights, pooling: Pooling): GraphBuilder;
}

export function parseEncoderConfig(config: Record<string, unknown>, file = 'config.json'): EncoderSpec {
  const c = parseConfig(config, file);
  const family = c.family;
  const build = family.name === 'nomic_bert' ? (w: CheckpointWeights, pooling: Pooling) => buildNomicBertGraph(family.spec, w, pooling) : (w: CheckpointWeights, pooling: Pooling) => buildBertGraph(family.spec, w, pooling);
  return { ...c, build };
}
