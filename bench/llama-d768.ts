// The GPT-2-sized Llama the quantisation and decode benchmarks share: d768, 12 layers, 12 heads, SwiGLU 2048, 1024
// positions, untied head, random init N(0, 0.02) with seed 1, and stories260K's 512-token tokenizer.
import path from 'node:path';
import { exportOnnxFolder } from '../native/deploy/onnx-export.ts';
import { readHfFolder, writeHfFolder } from '../native/models/checkpoint.ts';
import { parseModelConfig } from '../native/models/config.ts';
import { initTensors } from '../native/models/init.ts';
import { importLlama2cCheckpoint } from '../native/models/import.ts';
import type { OnnxDtype } from '../native/models/onnx-variants.ts';
import { expectedTensors } from '../native/models/params.ts';

const SHARED = path.resolve(import.meta.dirname, '../../shared/data');

/** Write llama-d768 as a Hugging Face folder at `dir`, taking the tokenizer from the stories260K folder `stories`. */
export async function writeLlamaD768(dir: string, stories: string): Promise<void> {
  const config = {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 512, hidden_size: 768, intermediate_size: 2048,
    num_hidden_layers: 12, num_attention_heads: 12, num_key_value_heads: 12, max_position_embeddings: 1024, rms_norm_eps: 1e-5,
    rope_theta: 10000, hidden_act: 'silu', tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2,
  };
  const spec = parseModelConfig(config, 'llama-d768');
  const specs = expectedTensors(spec).map((t) => ({ name: t.name, shape: t.shape, rule: t.shape.length === 1 ? { kind: 'constant' as const, value: 1 } : { kind: 'normal' as const, std: 0.02 } }));
  const src = readHfFolder(stories);
  await writeHfFolder(dir, { config, tensors: await initTensors(specs, 1), tokenizer: src.tokenizer ?? undefined, tokenizerConfig: src.tokenizerConfig ?? undefined, generationConfig: { bos_token_id: 1, eos_token_id: 2 } });
}

/**
 * In `tmp`: stories260K imported from the data kit, llama-d768 written beside it (`dir`) and exported as Lathe's ONNX
 * variants `dtypes` (`onnxDir`; MatMulNBits accuracy level 4, as the decode benchmarks run it).
 */
export async function exportLlamaD768(tmp: string, dtypes: OnnxDtype[]): Promise<{ dir: string; onnxDir: string }> {
  const stories = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(SHARED, 'models/stories260K/stories260K.bin'), path.join(SHARED, 'models/stories260K/tok512.bin'), 'stories260K');
  const dir = path.join(tmp, 'llama-d768');
  await writeLlamaD768(dir, stories.path);
  const onnxDir = path.join(tmp, 'onnx');
  await exportOnnxFolder(dir, onnxDir, { dtypes, accuracyLevel: 4 });
  return { dir, onnxDir };
}
