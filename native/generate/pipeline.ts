// Text in, text out: a model folder's CausalLM, its tokenizer and generation_config.json put together for
// `lathe generate`, the playground and evaluation.
import { CausalLM, type KvCache, type LoadOptions } from '../models/decoder.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { fitToContext, type ContextFit } from './context-fit.ts';
import { ContinuousBatcher } from './continuous.ts';
import { generate, type GenerateContext, type GenerationResult } from './generate.ts';
import type { GenerateOptions } from './options.ts';

export class TextGenerator {
  private continuous: ContinuousBatcher<KvCache> | null = null;

  private constructor(
    readonly model: CausalLM,
    readonly tokenizer: TextTokenizer,
  ) {}

  /** A generator over a model already loaded (PPO's policy, rebuilt from the trainer's weights each iteration). */
  static of(model: CausalLM, tokenizer: TextTokenizer): TextGenerator {
    return new TextGenerator(model, tokenizer);
  }

  static async load(dir: string, opts: LoadOptions = {}): Promise<TextGenerator> {
    const tokenizer = TextTokenizer.fromFolder(dir);
    const model = await CausalLM.load(dir, opts);
    return new TextGenerator(model, tokenizer);
  }

  /** Continue each prompt (a batch is left-padded and run together; beam search runs prompts one by one). */
  async generate(prompts: string[], options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.generateIds(prompts.map((p) => this.promptIds(p)), options);
  }

  /**
   * A prompt's ids. An empty prompt (a plain-text fine-tune's samples: text from nothing) encodes to no ids with a
   * tokenizer that adds no BOS (GPT-2, Qwen2, Pythia), and generation needs one to start from: its named BOS, else
   * its EOS, the separator such models read between documents (as Hugging Face's generate starts from bos_token_id).
   */
  promptIds(prompt: string): number[] {
    const ids = this.tokenizer.encode(prompt);
    if (ids.length > 0) return ids;
    const start = this.tokenizer.bosTokenId ?? this.tokenizer.eosTokenId;
    return start === null ? ids : [start];
  }

  /** The stop ids generation uses when the options name none: generation_config's, else config.json's, else the tokenizer's EOS. */
  get defaultStopIds(): number[] {
    const configured = this.model.folder.generationConfig?.eos_token_id;
    if (typeof configured === 'number') return [configured];
    if (Array.isArray(configured) && configured.length) return configured as number[];
    return this.defaultEosIds();
  }

  /** How many of `wanted` new tokens fit after a prompt of `promptTokens` in this model's context (see context-fit.ts). */
  fit(promptTokens: number, wanted?: number, opts: { scoreOnly?: boolean } = {}): ContextFit {
    return fitToContext(promptTokens, this.model.spec.maxPositions, wanted, opts);
  }

  /** Continue already-tokenized prompts (for callers that tokenize themselves, as a chat template requires). */
  async generateIds(ids: number[][], options: GenerateOptions = {}): Promise<GenerationResult> {
    return generate(this.model, this.tokenizer, ids, options, this.context());
  }

  /** Continuous batching over this model: generations submitted through it from many callers decode together. */
  batcher(): ContinuousBatcher<KvCache> {
    return (this.continuous ??= new ContinuousBatcher(this.model, this.tokenizer, this.context()));
  }

  private context(): GenerateContext {
    const defaultStopIds = this.defaultEosIds();
    return {
      generationConfig: this.model.folder.generationConfig,
      defaultStopIds,
      padTokenId: this.tokenizer.padTokenId ?? defaultStopIds[0] ?? 0,
    };
  }

  private defaultEosIds(): number[] {
    const spec = this.model.spec;
    return spec.eosTokenIds.length ? spec.eosTokenIds : this.tokenizer.eosTokenId !== null ? [this.tokenizer.eosTokenId] : [];
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
