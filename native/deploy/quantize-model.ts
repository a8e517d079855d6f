// A quantised variant as a model of its own: the ONNX folder of one dtype (onnx-export.ts) built inside the data
// directory and registered like any import, so the playground, evaluation and the OpenAI server load it through
// CausalLM (which runs the declared ONNX file) with no special case.
import fs from 'node:fs';
import { quantizeSource } from '../api/deploy.ts';
import type { Model } from '../api/schemas.ts';
import { buildAndRegister, type ImportOptions } from '../models/import.ts';
import { variantSourceName } from '../models/registry.ts';
import type { OnnxDtype } from '../models/onnx-variants.ts';
import { openStore } from '../store/db.ts';
import { fillOnnxFolder, type OnnxVariantFile } from './onnx-export.ts';
import type { QuantizeOptions } from './onnx-quantize.ts';

export interface QuantizedModel {
  model: Model;
  variant: OnnxVariantFile;
}

/** Quantise `source` (a model with safetensors weights) to `dtype` and register the result as `name`. */
export async function quantizeModel(dataDir: string, source: Model, dtype: OnnxDtype, name: string, opts: QuantizeOptions & ImportOptions = {}): Promise<QuantizedModel> {
  let variant: OnnxVariantFile | undefined;
  const refusing = { doing: 'quantise' as const, source: variantSourceName(dataDir, source) };
  const model = await buildAndRegister(dataDir, name, quantizeSource(source.id, dtype), async (tmp) => {
    [variant] = await fillOnnxFolder(source.path, tmp, {
      ...opts,
      dtypes: [dtype],
      refusing,
      onProgress: (p) => opts.onProgress?.({ fraction: p.fraction * 0.95, message: p.message, bytesDone: 0, bytesTotal: 0 }),
    });
  }, opts);
  return { model, variant: variant! };
}

/**
 * Undo the registrations of a quantisation that did not finish (a job stopped part-way, `lathe quantize` cancelled
 * after its first variant): rows first, then folders (as models.delete), so it keeps nothing.
 */
export function unregisterModels(dataDir: string, models: readonly Model[]): void {
  if (models.length === 0) return;
  const store = openStore(dataDir);
  try {
    for (const m of models) if (store.models.delete(m.id)) fs.rmSync(m.path, { recursive: true, force: true });
  } finally {
    store.close();
  }
}
