// Text in, text out: a model folder's CausalLM, its tokenizer and generation_config.json put together for
// `lathe generate`, the playground and evaluation.
import { CausalLM, type LoadOptions } from '../models/decoder.ts';
import { TextTokenizer } from '../text/tokenizer.ts';
import { generate, type GenerationResult } from './generate.ts';
import type { GenerateOptions } from './options.ts';

export class TextGenerator {
  private constructor(
    readonly model: CausalLM,
    readonly tokenizer: TextTokenizer,
  ) {}

  static async load(dir: string, opts: LoadOptions = {}): Promise<TextGenerator> {
    const tokenizer = TextTokenizer.fromFolder(dir);
    const model = await CausalLM.load(dir, opts);
    return new TextGenerator(model, tokenizer);
  }

  /** Continue each prompt (a batch is left-padded and run together; beam search runs prompts one by one). */
  async generate(prompts: string[], options: GenerateOptions = {}): Promise<GenerationResult> {
    const ids = prompts.map((p) => this.tokenizer.encode(p));
    const spec = this.model.spec;
    const defaultStopIds = spec.eosTokenIds.length ? spec.eosTokenIds : this.tokenizer.eosTokenId !== null ? [this.tokenizer.eosTokenId] : [];
    return generate(this.model, this.tokenizer, ids, options, {
      generationConfig: this.model.folder.generationConfig,
      defaultStopIds,
      padTokenId: this.tokenizer.padTokenId ?? defaultStopIds[0] ?? 0,
    });
  }

  async release(): Promise<void> {
    await this.model.release();
  }
}
