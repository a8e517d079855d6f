// Merge a LoRA adapter into its base: W' = W + (α/r)·B·A for nn.Linear weights (out, in), and the transpose
// for GPT-2's Conv1D weights (in, out). The arithmetic runs in one onnxruntime graph; the result is a complete
// HF folder (config, tokenizer, generation config copied from the base) that loads like any other model.
import { GraphBuilder, createSession } from '../onnx/index.ts';
import { stopIfCancelled } from './atomic.ts';
import { CheckpointWeights, readHfFolder, tokenizerSideFiles, writeHfFolder, type HfFolderContents } from './checkpoint.ts';
import { loraAName, loraBName, loraModules, loraScale } from './lora.ts';
import type { PeftAdapter } from './peft.ts';
import type { SafetensorsDtype, Tensor } from './safetensors.ts';

/** The base's tensors with the adapter folded in. */
export async function mergedTensors(baseDir: string, adapter: PeftAdapter, signal?: AbortSignal): Promise<Map<string, Tensor>> {
  const folder = readHfFolder(baseDir);
  const spec = folder.spec;
  const weights = CheckpointWeights.open(baseDir);
  const tensors = new Map<string, Tensor>();
  try {
    for (const name of weights.names()) {
      await stopIfCancelled(signal, 'the merge');
      tensors.set(name, weights.read(name));
    }
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
    const [out, inp] = spec.family === 'gpt2' ? [base.shape[1], base.shape[0]] : base.shape;
    if (a.shape[1] !== inp || b.shape[0] !== out || a.shape[0] !== b.shape[1]) {
      throw new Error(`merge: the adapter's ${m.module} (lora_A ${JSON.stringify(a.shape)}, lora_B ${JSON.stringify(b.shape)}) does not fit the base weight (${out} out × ${inp} in); the adapter was trained on another model`);
    }
    const delta = g.op('Mul', [g.op('MatMul', [g.constant(b.data, b.shape), g.constant(a.data, a.shape)]), scale]); // (out, in)
    const oriented = spec.family === 'gpt2' ? g.op('Transpose', [delta], { perm: [1, 0] }) : delta; // Conv1D: (in, out)
    g.output(g.op('Add', [g.constant(base.data, base.shape), oriented]), `merged.${merged.length}`);
    merged.push(wName);
  }
  await stopIfCancelled(signal, 'the merge');
  const session = await createSession(g, { intraOpNumThreads: 1 });
  try {
    const out = await session.run({});
    merged.forEach((name, i) => tensors.set(name, { shape: tensors.get(name)!.shape, data: out[`merged.${i}`].data as Float32Array }));
  } finally {
    await session.release();
  }
  await stopIfCancelled(signal, 'the merge');
  return tensors;
}

/** The folder contents of base + adapter: the merged weights and every side file of the base (chat template, special tokens, EOS). */
export async function mergedFolder(baseDir: string, adapter: PeftAdapter, opts: { dtype?: SafetensorsDtype; signal?: AbortSignal } = {}): Promise<HfFolderContents> {
  const folder = readHfFolder(baseDir);
  const extraFiles = tokenizerSideFiles(baseDir);
  const torchDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[opts.dtype ?? 'F32'];
  return {
    config: { ...folder.config, torch_dtype: torchDtype },
    tensors: await mergedTensors(baseDir, adapter, opts.signal),
    generationConfig: folder.generationConfig ?? undefined,
    tokenizer: folder.tokenizer ?? undefined,
    tokenizerConfig: folder.tokenizerConfig ?? undefined,
    extraFiles,
    dtype: opts.dtype,
  };
}

/** Write base + adapter as a new HF folder at `outDir` (atomically), with weights in `dtype` (default F32). */
export async function mergeAdapter(baseDir: string, adapter: PeftAdapter, outDir: string, opts: { dtype?: SafetensorsDtype } = {}): Promise<void> {
  await writeHfFolder(outDir, await mergedFolder(baseDir, adapter, opts));
}
