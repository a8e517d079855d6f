// Export a model folder in the transformers.js layout: the Hugging Face JSON files next to onnx/model.onnx,
// Lathe's decoder graph with KV cache. The graph already speaks the Optimum / transformers.js interface
// (input_ids, attention_mask, position_ids, past_key_values.N.key|value → logits, present.N.key|value), so the
// export adds only what transformers.js reads from config.json: the fp32 dtype of the graph.
import fs from 'node:fs';
import path from 'node:path';
import { saveModel } from '../onnx/index.ts';
import { CheckpointWeights, readHfFolder } from './checkpoint.ts';
import { buildDecoderGraph } from './decoder.ts';
import { supportsKvInPlace } from './layers.ts';
import { withKvMarker } from './onnx-variants.ts';

const COPIED = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja'];

export interface TransformersJsExport {
  dir: string;
  model: string;
  externalData?: string;
}

/**
 * Write `dest` (created if needed) as a transformers.js model folder built from the HF folder `src`.
 * Weights above `externalDataAboveBytes` go to onnx/model.onnx_data (transformers.js loads it with
 * `use_external_data_format`).
 */
export function exportTransformersJs(src: string, dest: string, opts: { externalDataAboveBytes?: number } = {}): TransformersJsExport {
  const folder = readHfFolder(src);
  if (!folder.tokenizer) throw new Error(`${src}: no tokenizer.json; transformers.js needs the Hugging Face tokenizer`);
  fs.mkdirSync(path.join(dest, 'onnx'), { recursive: true });
  for (const f of COPIED) if (fs.existsSync(path.join(src, f))) fs.copyFileSync(path.join(src, f), path.join(dest, f));
  // transformers.js picks the graph's file and dtype from config.json's transformers.js_config.
  // GroupQueryAttention graphs where the head size allows; config.json says so (onnx-variants.ts, declaresInPlaceKv).
  const kvInPlace = supportsKvInPlace(folder.spec);
  const tjs = { dtype: 'fp32', use_external_data_format: false };
  if (!fs.existsSync(path.join(dest, 'generation_config.json'))) {
    const gen: Record<string, unknown> = {};
    for (const k of ['bos_token_id', 'eos_token_id', 'pad_token_id']) if (folder.config[k] !== undefined) gen[k] = folder.config[k];
    fs.writeFileSync(path.join(dest, 'generation_config.json'), JSON.stringify(gen, null, 2));
  }
  const weights = CheckpointWeights.open(src);
  let graph;
  try {
    graph = buildDecoderGraph(folder.spec, weights, { withPast: true, kvInPlace });
  } finally {
    weights.close();
  }
  let bytes = 0;
  for (const init of graph.initializers.values()) bytes += init.data.byteLength;
  const external = bytes >= (opts.externalDataAboveBytes ?? 1.8e9);
  if (external) tjs.use_external_data_format = true;
  fs.writeFileSync(path.join(dest, 'config.json'), JSON.stringify(withKvMarker({ ...folder.config, 'transformers.js_config': tjs }, kvInPlace), null, 2));
  const written = saveModel(graph, path.join(dest, 'onnx', 'model.onnx'), external ? { externalDataThreshold: 1024, externalDataFile: 'model.onnx_data' } : {});
  return { dir: dest, model: written.model, externalData: written.externalData };
}
