// The Integrate part of the Studio API: merge a LoRA adapter into its base, quantise a model for onnxruntime
// (each variant registered as a model, with an optional side-by-side report), export a model as GGUF, an ONNX
// folder (transformers.js layout) or a Hugging Face folder. Each starts a 'deploy' job (native/deploy/
// deploy-worker.ts) whose result is a DeployResult. The dtype names are defined here once; the engine reads them.
import { z } from 'zod';
import { Job, Model } from './schemas.ts';

/** transformers.js' dtype names for the ONNX variants Lathe writes (onnx/model.onnx, model_fp16.onnx, …). */
export const ONNX_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'q4'] as const;
/** Weights of a merged or exported Hugging Face folder. */
export const HF_DTYPES = ['fp32', 'fp16', 'bf16'] as const;
export const GGUF_DTYPES = ['f32', 'f16', 'q8_0', 'q4_0'] as const;
export const EXPORT_FORMATS = ['gguf', 'onnx', 'hf'] as const;

const AccuracyLevel = z.number().int().min(0).max(4);

export const MergeParams = z.object({
  modelId: z.string().min(1),
  /** A PEFT LoRA adapter folder trained on the model (adapter_config.json + adapter_model.safetensors). */
  adapterPath: z.string().min(1),
  name: z.string().min(1),
  dtype: z.enum(HF_DTYPES).default('fp32'),
});

export const QuantizeParams = z.object({
  modelId: z.string().min(1),
  dtypes: z.array(z.enum(ONNX_DTYPES).exclude(['fp32'])).min(1),
  accuracyLevel: AccuracyLevel.default(4),
  embeddings: z.boolean().default(true),
  /** Held-out text file: when given, each variant is also measured beside fp32. */
  reportTextPath: z.string().min(1).optional(),
  threads: z.number().int().min(1).max(64).default(1),
});

export const ExportParams = z.object({
  modelId: z.string().min(1),
  format: z.enum(EXPORT_FORMATS),
  /** gguf: one of GGUF_DTYPES; onnx: one or more of ONNX_DTYPES (the first is the folder's default); hf: one of HF_DTYPES. */
  dtypes: z.array(z.string()).min(1),
  /** A file (gguf) or a folder (onnx, hf), replaced whole if it exists. */
  outPath: z.string().min(1),
  /** gguf: write this adapter as a GGUF LoRA adapter instead of the model; hf: merge it into the weights. */
  adapterPath: z.string().min(1).optional(),
  accuracyLevel: AccuracyLevel.optional(),
});

export const QuantReportRow = z.object({
  dtype: z.enum(ONNX_DTYPES),
  fileBytes: z.number(),
  peakRssMb: z.number(),
  rssBeforeMb: z.number(),
  loadSeconds: z.number(),
  prefillTokensPerSecond: z.number(),
  decodeTokensPerSecond: z.number(),
  perplexity: z.number(),
  scoredTokens: z.number(),
  greedyAgreement: z.number(),
});
export type QuantReportRow = z.infer<typeof QuantReportRow>;

/** What a 'deploy' job leaves: models it registered, files it wrote (each with its size), the report if asked. */
export const DeployResult = z.object({
  models: z.array(Model),
  artifacts: z.array(z.object({ path: z.string(), bytes: z.number(), label: z.string() })),
  report: z.array(QuantReportRow).nullable(),
});
export type DeployResult = z.infer<typeof DeployResult>;

export const DeployJobParams = z.discriminatedUnion('op', [
  MergeParams.extend({ op: z.literal('merge') }),
  QuantizeParams.extend({ op: z.literal('quantize') }),
  ExportParams.extend({ op: z.literal('export') }),
]);
export type DeployJobParams = z.infer<typeof DeployJobParams>;

export const deployMethods = {
  /** Merge an adapter into its base as a new model; a 'deploy' job. */
  'deploy.merge': { params: MergeParams, result: Job },
  /** Quantise a model: each dtype becomes a model of its own; a 'deploy' job. */
  'deploy.quantize': { params: QuantizeParams, result: Job },
  /** Export a model (GGUF file, transformers.js ONNX folder, Hugging Face folder); a 'deploy' job. */
  'deploy.export': { params: ExportParams, result: Job },
} as const;
