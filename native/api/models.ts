// The models and generation part of the Studio API: the model list and card (stage 2, Select), imports and Hub
// downloads, and the playground's generation methods with their streamed events. Spread into `methods` and
// `events` in contract.ts.
import { z } from 'zod';
import { LoraPerRank } from './train.ts';
import { Job, MODEL_KINDS, Model } from './schemas.ts';

const Id = z.object({ id: z.string().min(1) });
const Bytes = z.object({ fp32: z.number(), fp16: z.number() });

export const PARAMETER_COMPONENTS = ['embeddings', 'attention', 'mlp', 'norms', 'head'] as const;

/** Everything the Select page shows about one model. */
export const ModelCard = z.object({
  model: Model,
  family: z.string(),
  /** Parameters per component; `head` is 0 when the output layer reuses the embedding matrix. */
  parameters: z.object({ embeddings: z.number(), attention: z.number(), mlp: z.number(), norms: z.number(), head: z.number(), total: z.number() }),
  /** Settings fixed before training (config.json), each with what it means. */
  hyperparameters: z.array(z.object({ key: z.string(), label: z.string(), value: z.union([z.string(), z.number()]), meaning: z.string() })),
  /** LoRA at its defaults (rank, targets) as the Fine-tune page starts it; loraPerRank lets a page recount for other choices. */
  memory: z.object({
    inference: Bytes, fullFineTune: Bytes, lora: Bytes, loraParameters: z.number(), loraRank: z.number(), kvCacheTokens: z.number(),
    loraTargets: z.array(z.string()), loraPerRank: LoraPerRank,
  }).nullable(),
  /** An embedding model (model.kind 'encoder'): the vectors it gives and how; null for a decoder (which has `memory`). */
  embedding: z.object({ dim: z.number(), pooling: z.enum(['mean', 'cls']), maxTokens: z.number(), prompts: z.object({ query: z.string(), document: z.string() }) }).nullable().default(null),
  tokenizer: z.object({ vocabSize: z.number(), hasChatTemplate: z.boolean(), bosToken: z.string().nullable(), eosToken: z.string().nullable() }),
  diskBytes: z.number(),
  /**
   * A quantised variant (a folder holding only an ONNX graph, `lathe quantize`'s): the file it runs and what running
   * it needs, measured from that file — its weights as stored (q4, q8 …) plus a float32 KV cache for a full context
   * (the graph computes in float32). `memory` is null for it: it cannot be trained or merged; those start from the
   * model it was made from. Null for any other model.
   */
  onnx: z.object({ dtype: z.string(), file: z.string(), weightBytes: z.number(), kvCacheBytes: z.number(), inferenceBytes: z.number(), kvCacheTokens: z.number() }).nullable().default(null),
});
export type ModelCard = z.infer<typeof ModelCard>;

/** Every knob of the decoding loop (native/generate/options.ts); absent means the model's generation_config default. */
export const GenerateSettings = z.object({
  /** false: always pick the most likely token (greedy); true: draw from the (warped) distribution. */
  doSample: z.boolean().default(false),
  temperature: z.number().min(0).max(10).optional(),
  topK: z.number().int().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  minP: z.number().min(0).max(1).optional(),
  repetitionPenalty: z.number().positive().max(10).optional(),
  presencePenalty: z.number().min(-10).max(10).optional(),
  frequencyPenalty: z.number().min(-10).max(10).optional(),
  noRepeatNgramSize: z.number().int().min(0).max(32).optional(),
  numBeams: z.number().int().min(1).max(16).optional(),
  maxNewTokens: z.number().int().min(1).max(4096).default(128),
  stopStrings: z.array(z.string().min(1)).max(16).optional(),
  seed: z.number().int().min(0).optional(),
});
export type GenerateSettings = z.infer<typeof GenerateSettings>;
export type GenerateSettingsInput = z.input<typeof GenerateSettings>;

export const ChatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
export type ChatMessage = z.infer<typeof ChatMessage>;

export const GenerateStartInput = z
  .object({
    modelId: z.string().min(1),
    /** Plain text continued as is (already built for zero/one/few-shot), or chat messages rendered with the model's template. */
    prompt: z.string().optional(),
    messages: z.array(ChatMessage).min(1).optional(),
    settings: GenerateSettings.default({ doSample: false, maxNewTokens: 128 }),
    /** Alternatives reported with each token (0–20). */
    topAlternatives: z.number().int().min(0).max(20).default(5),
    projectId: z.string().nullable().default(null),
    /** A label for the run (the playground names comparison sides 'A' and 'B'). */
    label: z.string().max(80).optional(),
  })
  .refine((v) => (v.prompt !== undefined) !== (v.messages !== undefined), { message: 'give either prompt or messages', path: ['prompt'] });
export type GenerateStartInput = z.input<typeof GenerateStartInput>;

export const Candidate = z.object({
  id: z.number().int(),
  /** The vocabulary entry, e.g. '▁the' or '<0x0A>'. */
  token: z.string(),
  /** How it reads when decoded. */
  text: z.string(),
  /** Probability under the model alone. */
  before: z.number(),
  /** Probability after penalties, temperature, top-k, top-p and min-p (what sampling draws from; greedy: 1 for the argmax). */
  after: z.number(),
});
export type Candidate = z.infer<typeof Candidate>;

export const NextTokenResult = z.object({
  strategy: z.enum(['greedy', 'sample', 'beam']),
  promptTokens: z.number().int(),
  /** The most likely tokens before the knobs, with their probability after; then any token the knobs promoted into the top. */
  candidates: z.array(Candidate),
  /** Tokens still possible after the knobs (the vocabulary size when nothing is cut). */
  keptTokens: z.number().int(),
  vocabSize: z.number().int(),
  /** Entropy (bits) of the distribution before and after the knobs. */
  entropyBefore: z.number(),
  entropyAfter: z.number(),
});
export type NextTokenResult = z.infer<typeof NextTokenResult>;

export const GenerationTiming = z.object({
  promptTokens: z.number().int(),
  generatedTokens: z.number().int(),
  timeToFirstTokenMs: z.number(),
  totalMs: z.number(),
  decodeTokensPerSecond: z.number(),
});
export type GenerationTiming = z.infer<typeof GenerationTiming>;

export const FewShotPromptInput = z.object({
  style: z.literal('few-shot'),
  datasetId: z.string().min(1),
  inputColumn: z.string().min(1),
  outputColumn: z.string().min(1),
  instruction: z.string().default(''),
  /** Labels written before the input and the answer, e.g. 'Dialogue' and 'Summary'. */
  inputLabel: z.string().default('Input'),
  outputLabel: z.string().default('Output'),
  /** 0 zero-shot, 1 one-shot, k few-shot; examples come from the dataset's train split. */
  shots: z.number().int().min(0).max(16),
  seed: z.number().int().min(0).default(0),
  query: z.string(),
});

export const ChatPromptInput = z.object({ style: z.literal('chat'), modelId: z.string().min(1), messages: z.array(ChatMessage).min(1) });

const TopAlternative = z.object({ id: z.number().int(), token: z.string(), text: z.string(), logprob: z.number() });

/** A GGUF file to import and the new model's name: the params of models.importGguf and of its 'gguf-import' job. */
export const GgufImportParams = z.object({ path: z.string().min(1), name: z.string().trim().min(1).max(120) });
export type GgufImportParams = z.infer<typeof GgufImportParams>;

export const modelMethods = {
  /** kind 'decoder': the models that generate text (what the playground, training, evaluation and serving offer); 'encoder': embedding models. */
  'models.list': { params: z.object({ kind: z.enum(MODEL_KINDS).optional() }), result: z.array(Model) },
  'models.get': { params: Id, result: ModelCard },
  /** Starts a 'model-import' job copying a Hugging Face folder into the data directory; the job's result holds the model. */
  'models.importFolder': { params: z.object({ path: z.string().min(1), name: z.string().trim().min(1).max(120) }), result: Job },
  /** Starts a 'model-import' job converting a llama2.c checkpoint + tokenizer into a Hugging Face folder; the job's result holds the model. */
  'models.importLlama2c': { params: z.object({ checkpoint: z.string().min(1), tokenizer: z.string().min(1), name: z.string().trim().min(1).max(120) }), result: Job },
  /**
   * Starts a 'gguf-import' job: a llama GGUF file (F32, F16, Q8_0, Q4_0, Q4_K, Q6_K tensors) dequantised to a
   * float32 Hugging Face folder, config and tokenizer rebuilt from its metadata; the job's result holds the model.
   */
  'models.importGguf': { params: GgufImportParams, result: Job },
  'models.delete': { params: Id, result: z.object({ deleted: z.boolean() }) },
  /** Starts a 'model-download' job: resumable per file, progress as job events; the job's result holds the model. */
  'models.download': {
    params: z.object({
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'write the repository as owner/name, e.g. HuggingFaceTB/SmolLM2-135M'),
      revision: z.string().min(1).default('main'),
      token: z.string().min(1).optional(),
      name: z.string().trim().min(1).max(120).optional(),
    }),
    result: Job,
  },
  /** Starts a generation; text arrives as generate.token events, then generate.done (or generate.failed). */
  'generate.start': { params: GenerateStartInput, result: z.object({ generationId: z.string() }) },
  'generate.cancel': { params: z.object({ generationId: z.string().min(1) }), result: z.object({ cancelled: z.boolean() }) },
  /** The next-token distribution after `prompt`, before and after the sampling knobs. */
  'generate.nextToken': {
    params: z.object({
      modelId: z.string().min(1),
      prompt: z.string(),
      settings: GenerateSettings.default({ doSample: false, maxNewTokens: 128 }),
      top: z.number().int().min(1).max(50).default(10),
    }),
    result: NextTokenResult,
  },
  /**
   * How many tokens a prompt (or chat messages, rendered with the model's template) takes, and the model's context:
   * what the playground shows under the prompt, so an answer that cannot fit is seen before Generate.
   */
  'generate.countTokens': {
    params: z.object({ modelId: z.string().min(1), prompt: z.string().optional(), messages: z.array(ChatMessage).min(1).optional() })
      .refine((v) => (v.prompt !== undefined) !== (v.messages !== undefined), { message: 'give either prompt or messages', path: ['prompt'] }),
    result: z.object({ promptTokens: z.number().int(), contextTokens: z.number().int() }),
  },
  /** Builds a zero/one/few-shot prompt from a dataset, or a chat prompt with the model's template. */
  'generate.buildPrompt': { params: z.discriminatedUnion('style', [FewShotPromptInput, ChatPromptInput]), result: z.object({ prompt: z.string(), examples: z.number().int() }) },
} as const;

export const modelEvents = {
  'generate.token': z.object({
    generationId: z.string(), index: z.number().int(), text: z.string(), tokenId: z.number().int(), token: z.string(),
    logprob: z.number().nullable(), top: z.array(TopAlternative),
  }),
  'generate.done': z.object({
    generationId: z.string(), runId: z.string(), text: z.string(), finishReason: z.enum(['stop_token', 'stop_string', 'length', 'cancelled']),
    /** The model's context in tokens when it, not max new tokens, ended the answer (the prompt left less room); else null. */
    contextFull: z.number().int().nullable(),
    timing: GenerationTiming, settings: z.record(z.string(), z.unknown()),
  }),
  'generate.failed': z.object({ generationId: z.string(), message: z.string() }),
} as const;
