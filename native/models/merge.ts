// Merge a LoRA adapter into its base: W' = W + (α/r)·B·A for nn.Linear weights (out, in), and the transpose
// for GPT-2's Conv1D weights (in, out). The arithmetic runs in one onnxruntime graph; the result is a complete
// HF folder (config, tokenizer, generation config copied from the base) that loads like any other model.
import { GraphBuilder, createSession } from '../onnx/index.ts';
import { CheckpointWeights, readHfFolder, writeHfFolder } from './checkpoint.ts';
import { loraAName, loraBName, loraModules, loraScale } from './lora.ts';
import type { PeftAdapter } from './peft.ts';
import type { Tensor } from './safetensors.ts';

/** The base's tensors with the adapter folded in. */
export async function mergedTensors(baseDir: string, adapter: PeftAdapter): Promise<Map<string, Tensor>> {
  const folder = readHfFolder(baseDir);
  const spec = folder.spec;
  const weights = CheckpointWeights.open(baseDir);
  const tensors = new Map<string, Tensor>();
  try {
    for (const name of weights.names()) tensors.set(name, weights.read(name));
  } finally {
    weights.close();
  }
  const g = new GraphBuilder({ name: 'merge-lora', opset: 23 });
  const scale = g.scalar(loraScale(adapter.config));
  const merged: string[] = [];
  for (const m of loraModules(spec, adapter.config)) {
    const wName = spec.family === 'gpt2' ? [`${m.module}.weight`, m.module.replace(/^transformer\./, '') + '.weight'].find((n) => tensors.has(n)) : `${m.module}.weight`;
    const base = wName ? tensors.get(wName) : undefined;
    const a = adapter.weights.get(loraAName(m.module));
    const b = adapter.weights.get(loraBName(m.module));
    if (!wName || !base) throw new Error(`merge: the base model has no weight for module '${m.module}'`);
    if (!a || !b) throw new Error(`merge: the adapter has no lora_A/lora_B for module '${m.module}'`);
    const delta = g.op('Mul', [g.op('MatMul', [g.constant(b.data, b.shape), g.constant(a.data, a.shape)]), scale]); // (out, in)
    const oriented = spec.family === 'gpt2' ? g.op('Transpose', [delta], { perm: [1, 0] }) : delta; // Conv1D: (in, out)
    g.output(g.op('Add', [g.constant(base.data, base.shape), oriented]), `merged.${merged.length}`);
    merged.push(wName);
  }
  const session = await createSession(g, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({});
    merged.forEach((name, i) => tensors.set(name, { shape: tensors.get(name)!.shape, data: out[`merged.${i}`].data as Float32Array }));
  } finally {
    await session.release();
  }
  return tensors;
}

/** Write base + adapter as a new HF folder at `outDir` (atomically). */
export async function mergeAdapter(baseDir: string, adapter: PeftAdapter, outDir: string): Promise<void> {
  const folder = readHfFolder(baseDir);
  await writeHfFolder(outDir, {
    config: folder.config,
    tensors: await mergedTensors(baseDir, adapter),
    generationConfig: folder.generationConfig ?? undefined,
    tokenizer: folder.tokenizer ?? undefined,
    tokenizerConfig: folder.tokenizerConfig ?? undefined,
  });
}
