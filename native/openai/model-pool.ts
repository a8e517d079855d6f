// Loaded models, kept warm between requests: at most `maxLoaded` at once, the least recently used one released
// when another must load (never while a request is using it), and one load per model however many requests
// ask for it at the same moment (they share its promise). Models load with their hidden states as an output where
// they can give them, so the one loaded copy serves embeddings as well as generation; a quantised ONNX variant cannot
// (its prebuilt graph outputs logits alone), so it loads without them and serves generation only (embeddings.ts
// refuses its embeddings before they reach the pool). A model released for another is reported (`unloaded`),
// once no loaded entry (an adapter's, its base's) still reads its folder.
import { TextGenerator } from '../generate/pipeline.ts';
import type { LoadOptions } from '../models/decoder.ts';
import { givesHiddenStates } from './embeddings.ts';
import type { ServedModel } from './served-models.ts';

export type LoadGenerator = (dir: string, opts: LoadOptions) => Promise<TextGenerator>;

interface Entry {
  served: ServedModel;
  loading: Promise<TextGenerator>;
  generator: TextGenerator | null;
  users: number;
}

export interface ModelPoolOptions {
  /** Models kept loaded at once (default 2). */
  maxLoaded?: number;
  /** ONNX Runtime intra-op threads per model (default: all cores). */
  threads?: number;
  /** How a model folder is loaded (tests count loads through it). */
  load?: LoadGenerator;
  /** Called as `model` starts loading (again: a request may wait for its turn after another's unloaded it). */
  loading?: (model: ServedModel['model']) => void;
  /** Called when `model` was released to make room and no other loaded entry uses its folder. */
  unloaded?: (model: ServedModel['model']) => void;
}

export class ModelPool {
  /** Insertion order is recency: a use moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();
  readonly maxLoaded: number;
  private readonly load: LoadGenerator;

  constructor(private readonly options: ModelPoolOptions = {}) {
    this.maxLoaded = options.maxLoaded ?? 2;
    if (!Number.isInteger(this.maxLoaded) || this.maxLoaded < 1) throw new RangeError(`maxLoaded must be a whole number of 1 or more, got ${this.maxLoaded}`);
    this.load = options.load ?? ((dir, opts) => TextGenerator.load(dir, opts));
  }

  /** Names of the models loaded now, least recently used first. */
  get loaded(): string[] {
    return [...this.entries].filter(([, e]) => e.generator).map(([k]) => k);
  }

  /** Run `fn` with the model loaded; it stays loaded (and unevictable) until `fn` settles. */
  async use<T>(served: ServedModel, fn: (generator: TextGenerator) => Promise<T>): Promise<T> {
    const key = served.name;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      this.options.loading?.(served.model);
      const loading = this.load(served.model.path, { adapter: served.adapterDir ?? undefined, intraOpNumThreads: this.options.threads, outputHiddenStates: givesHiddenStates(served) });
      entry = { served, loading, generator: null, users: 0 };
      loading.then((g) => (entry!.generator = g), () => this.entries.get(key) === entry && this.entries.delete(key));
    }
    this.entries.set(key, entry);
    entry.users++;
    try {
      const generator = await entry.loading;
      await this.evict();
      return await fn(generator);
    } finally {
      entry.users--;
      await this.evict();
    }
  }

  /** Release least recently used idle models until no more than maxLoaded remain. */
  private async evict(): Promise<void> {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxLoaded) return;
      if (entry.users > 0 || !entry.generator) continue;
      this.entries.delete(key);
      await entry.generator.release();
      const id = entry.served.model.id;
      if (![...this.entries.values()].some((e) => e.served.model.id === id)) this.options.unloaded?.(entry.served.model);
    }
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map(async (e) => (await e.loading.catch(() => null))?.release()));
  }
}
