// PPO's rollouts: the policy as the trainer holds it (written to the run folder after each update and loaded into the
// KV-cache decoder, as the playground generates), sampling a response to each prompt with the run's generation
// settings and a seed fixed by the run's seed and the iteration; then one forward pass over prompt + response for
// the policy's log-probs and the value head's estimates, and one through the frozen reference (the model the run
// started from: the base without the adapter for LoRA, a frozen copy for full training) for the KL penalty.
import fs from 'node:fs';
import path from 'node:path';
import type { RolloutGeneration } from '../api/align.ts';
import { TextGenerator } from '../generate/pipeline.ts';
import { CausalLM } from '../models/decoder.ts';
import { writeHfFolder, type HfFolder } from '../models/checkpoint.ts';
import type { LoraConfig } from '../models/lora.ts';
import { writePeftAdapter } from '../models/peft.ts';
import { VALUE_HEAD_BIAS, VALUE_HEAD_WEIGHT } from '../models/ppo-graph.ts';
import type { Tensor } from '../models/safetensors.ts';
import type { TextTokenizer } from '../text/tokenizer.ts';
import type { z } from 'zod';

export interface SampledRollout {
  promptIds: number[];
  responseIds: number[];
  completion: string;
  /** Per response token, under the policy that sampled it, the reference, and the value head. */
  logps: number[];
  refLogps: number[];
  values: number[];
}

/** The folder (a model, or an adapter on the base) the policy is loaded from for the next rollouts. */
export const POLICY_DIR = 'policy-now';

const isHead = (name: string) => name === VALUE_HEAD_WEIGHT || name === VALUE_HEAD_BIAS;

/** log-softmax(logits)[id] of one position's logits (V floats at `offset`). */
function logProbAt(logits: Float32Array, offset: number, V: number, id: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[offset + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[offset + v] - max);
  return logits[offset + id] - max - Math.log(sum);
}

/**
 * Per row, the log-probs of its response tokens (and, given the head, the values at the positions predicting them):
 * one forward pass of prompt + response[:-1], right-padded, in chunks of `chunk` rows.
 */
export async function responseLogps(lm: CausalLM, rows: readonly { promptIds: number[]; responseIds: number[] }[], chunk: number, head: { w: Float32Array; b: number } | null): Promise<{ logps: number[][]; values: number[][] }> {
  const V = lm.vocabSize;
  const C = lm.spec.hiddenSize;
  const logps: number[][] = [];
  const values: number[][] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const seqs = part.map((r) => [...r.promptIds, ...r.responseIds].slice(0, -1));
    const T = Math.max(...seqs.map((s) => s.length));
    const ids = seqs.map((s) => [...s, ...new Array<number>(T - s.length).fill(0)]);
    const ones = ids.map((r) => r.map(() => 1)); // causal: right padding never reaches a real token
    const out = await lm.forward(ids, ones, lm.emptyCache(part.length), ids.map((r) => r.map((_, t) => t)));
    part.forEach((r, k) => {
      const P = r.promptIds.length;
      const lp: number[] = [];
      const vs: number[] = [];
      r.responseIds.forEach((id, j) => {
        const t = P - 1 + j; // the position whose next token is response token j
        lp.push(logProbAt(out.logits, (k * T + t) * V, V, id));
        if (head) {
          let v = head.b;
          const h = (k * T + t) * C;
          for (let c = 0; c < C; c++) v += out.hidden![h + c] * head.w[c];
          vs.push(v);
        }
      });
      logps.push(lp);
      values.push(vs);
    });
  }
  return { logps, values };
}

/** The frozen reference and a way to load the current policy; one per run attempt. */
export class RolloutModels {
  private constructor(
    private readonly folder: HfFolder,
    private readonly tokenizer: TextTokenizer,
    private readonly reference: CausalLM,
    private readonly lora: LoraConfig | null,
    private readonly threads: number | undefined,
  ) {}

  static async open(folder: HfFolder, tokenizer: TextTokenizer, lora: LoraConfig | null, threads?: number): Promise<RolloutModels> {
    return new RolloutModels(folder, tokenizer, await CausalLM.load(folder.dir, { intraOpNumThreads: threads }), lora, threads);
  }

  /** Write the trainer's weights (no value head) where the policy is loaded from, and load it with its hidden states. */
  private async loadPolicy(runDir: string, weights: ReadonlyMap<string, Tensor>): Promise<CausalLM> {
    const dir = path.join(runDir, POLICY_DIR);
    fs.rmSync(dir, { recursive: true, force: true });
    const tensors = new Map([...weights].filter(([name]) => !isHead(name)));
    if (this.lora) {
      await writePeftAdapter(dir, this.folder.spec, this.lora, tensors, this.folder.dir);
      return CausalLM.load(this.folder.dir, { adapter: dir, outputHiddenStates: true, intraOpNumThreads: this.threads });
    }
    await writeHfFolder(dir, { config: this.folder.config, tensors, generationConfig: this.folder.generationConfig ?? undefined });
    return CausalLM.load(dir, { outputHiddenStates: true, intraOpNumThreads: this.threads });
  }

  /**
   * One response per prompt sampled from the policy `weights` (seeded), with the policy's and the reference's
   * log-probs and the values of every response token.
   */
  async sample(runDir: string, weights: ReadonlyMap<string, Tensor>, prompts: readonly number[][], gen: z.output<typeof RolloutGeneration>, seed: number, chunk: number, signal?: AbortSignal): Promise<SampledRollout[]> {
    const policy = await this.loadPolicy(runDir, weights);
    try {
      const generator = TextGenerator.of(policy, this.tokenizer);
      const out = await generator.generateIds(prompts.map((p) => [...p]), {
        maxNewTokens: gen.maxNewTokens, minNewTokens: gen.minNewTokens, temperature: gen.temperature, topK: gen.topK, topP: gen.topP, doSample: true, seed, signal,
      });
      const rows = out.rows.map((r, i) => ({ promptIds: prompts[i], responseIds: r.tokenIds, completion: r.text }));
      const w = weights.get(VALUE_HEAD_WEIGHT)!.data;
      const b = weights.get(VALUE_HEAD_BIAS)!.data[0];
      const mine = await responseLogps(policy, rows, chunk, { w, b });
      const ref = await responseLogps(this.reference, rows, chunk, null);
      return rows.map((r, i) => ({ ...r, logps: mine.logps[i], refLogps: ref.logps[i], values: mine.values[i] }));
    } finally {
      await policy.release();
    }
  }

  async release(): Promise<void> {
    await this.reference.release();
  }
}
