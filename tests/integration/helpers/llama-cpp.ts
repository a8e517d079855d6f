// llama.cpp as an independent judge of GGUF files: node-llama-cpp's prebuilt CPU binary, loaded once per test
// file (or the reason it cannot load, for the skip message), and greedy decoding from given token ids.
type NodeLlamaCpp = typeof import('node-llama-cpp');
type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;
type LlamaModel = Awaited<ReturnType<Llama['loadModel']>>;

export type LlamaCpp = { lib: NodeLlamaCpp; llama: Llama; why?: undefined } | { why: string; lib?: undefined; llama?: undefined };

export async function loadLlamaCpp(): Promise<LlamaCpp> {
  try {
    const lib = await import('node-llama-cpp');
    return { lib, llama: await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error }) };
  } catch (err) {
    return { why: `node-llama-cpp cannot load its prebuilt binary here: ${(err as Error).message}` };
  }
}

export interface GreedyOptions {
  newTokens: number;
  /** Token ids never to generate (BOS/EOS, so both sides run the full length). */
  banned?: number[];
  /** A GGUF LoRA adapter applied on context creation. */
  lora?: string;
  contextSize?: number;
}

/**
 * llama.cpp's greedy continuation of `ids`. A fresh one-thread context per call: the test machines are shared
 * (more threads stalled under load), and reusing a sequence after breaking out of evaluate() stalled too.
 */
export async function llamaCppGreedy(lib: NodeLlamaCpp, model: LlamaModel, ids: number[], o: GreedyOptions): Promise<number[]> {
  const context = await model.createContext({ contextSize: o.contextSize ?? 512, sequences: 1, threads: 1, ...(o.lora ? { lora: { adapters: [{ filePath: o.lora }] } } : {}) });
  try {
    const bias = new lib.TokenBias(model.tokenizer);
    for (const id of o.banned ?? []) bias.set(id as never, 'never');
    const out: number[] = [];
    for await (const token of context.getSequence().evaluate(ids as never, { temperature: 0, tokenBias: bias })) {
      out.push(token as number);
      if (out.length >= o.newTokens) break;
    }
    return out;
  } finally {
    await context.dispose();
  }
}
