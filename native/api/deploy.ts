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
/** What `lathe merge` writes: the Hugging Face dtypes (here, not in deploy/merge-model.ts, so the CLI's usage text needs no engine). */
export const MERGE_DTYPES = HF_DTYPES;
export type MergeDtype = (typeof MERGE_DTYPES)[number];
export const GGUF_DTYPES = ['f32', 'f16', 'q8_0', 'q4_0'] as const;
export const EXPORT_FORMATS = ['gguf', 'onnx', 'hf'] as const;
/**
 * A GGUF file: it starts with "GGUF". Here, not only in deploy/gguf-format.ts, so the Studio's and the CLI's checks
 * of an export's outPath (models/atomic.ts' outputPathProblem) need no engine: a GGUF export replaces an earlier GGUF
 * file or an empty one, never another file.
 */
export const GGUF_FILE = { format: 'GGUF', magic: 'GGUF' } as const;

/** The model a quantise job registers for one dtype: the job, the CLI and the pre-checks derive it here alone. */
export function quantizedModelName(modelName: string, dtype: string): string {
  return `${modelName}-${dtype}`;
}

/** A quantised variant's `source` (quantize:<source model id>:<dtype>): written and read here alone. */
export function quantizeSource(sourceModelId: string, dtype: string): string {
  return `quantize:${sourceModelId}:${dtype}`;
}

/** The source model id and dtype a quantised variant's `source` names, or null for a model made another way. */
export function parseQuantizeSource(source: string): { modelId: string; dtype: string } | null {
  const m = /^quantize:([^:]+):(.+)$/.exec(source);
  return m ? { modelId: m[1], dtype: m[2] } : null;
}

const AccuracyLevel = z.number().int().min(0).max(4);

const MergeFields = z.object({
  /** The base; with runId it may be left out (the run's base is used) and, if given, must be that base. */
  modelId: z.string().min(1).optional(),
  /** A finished LoRA run (fine-tune, DPO, PPO) of the studio: the server finds its adapter folder. */
  runId: z.string().min(1).optional(),
  /** A PEFT LoRA adapter folder made elsewhere (adapter_config.json + adapter_model.safetensors). */
  adapterPath: z.string().min(1).optional(),
  name: z.string().min(1),
  dtype: z.enum(HF_DTYPES).default('fp32'),
});

/** Merge a run's adapter (runId) or an adapter folder (adapterPath, with modelId): exactly one of the two. */
export const MergeParams = MergeFields.superRefine((p, ctx) => {
  if ((p.runId === undefined) === (p.adapterPath === undefined)) ctx.addIssue({ code: 'custom', path: ['runId'], message: 'give either runId (a finished LoRA run) or adapterPath (a PEFT adapter folder), not both or neither' });
  if (p.adapterPath !== undefined && p.modelId === undefined) ctx.addIssue({ code: 'custom', path: ['modelId'], message: 'an adapter folder needs modelId, the base model it was trained on' });
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

const ExportFields = z.object({
  modelId: z.string().min(1),
  format: z.enum(EXPORT_FORMATS),
  /** gguf: one of GGUF_DTYPES; onnx: one or more of ONNX_DTYPES (the first is the folder's default); hf: one of HF_DTYPES. */
  dtypes: z.array(z.string()).min(1),
  /** A file (gguf) or a folder (onnx, hf), replaced whole if it is an earlier export (or empty); anything else there is refused. */
  outPath: z.string().min(1),
  /** gguf: write this adapter as a GGUF LoRA adapter instead of the model; hf: merge it into the weights. */
  adapterPath: z.string().min(1).optional(),
  accuracyLevel: AccuracyLevel.optional(),
});

/**
 * What a format's export refuses in `dtypes`, in the one wording the Studio API (before a job starts) and the job
 * itself use: 'GGUF export takes one dtype of f32, f16, q8_0, q4_0; got q5_k'. Null when the dtypes fit; a GGUF
 * LoRA adapter is written as f32 whatever they say.
 */
export function exportDtypesProblem(format: (typeof EXPORT_FORMATS)[number], dtypes: readonly string[], adapter = false): string | null {
  if (format === 'gguf' && adapter) return null;
  const [allowed, many, name] = format === 'gguf' ? [GGUF_DTYPES, false, 'GGUF'] : format === 'onnx' ? [ONNX_DTYPES, true, 'ONNX'] : [HF_DTYPES, false, 'Hugging Face'];
  const bad = dtypes.some((v) => !(allowed as readonly string[]).includes(v));
  if (!bad && (many || dtypes.length === 1)) return null;
  return `${name} export takes ${many ? 'dtypes among' : 'one dtype of'} ${allowed.join(', ')}; got ${dtypes.join(', ')}`;
}

export const ExportParams = ExportFields.superRefine((p, ctx) => {
  const problem = exportDtypesProblem(p.format, p.dtypes, p.adapterPath !== undefined);
  if (problem) ctx.addIssue({ code: 'custom', path: ['dtypes'], message: problem });
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
  // The handler has resolved a run to its base and adapter folder by the time the job starts.
  MergeFields.extend({ op: z.literal('merge'), modelId: z.string().min(1), adapterPath: z.string().min(1) }),
  QuantizeParams.extend({ op: z.literal('quantize') }),
  ExportFields.extend({ op: z.literal('export') }),
]);
export type DeployJobParams = z.infer<typeof DeployJobParams>;

/** A finished run that left a LoRA adapter, as the Integrate page offers it for merging. */
export const AdapterRun = z.object({
  runId: z.string(),
  name: z.string(),
  kind: z.string(),
  baseModelId: z.string(),
  baseModelName: z.string(),
  finishedAt: z.string().nullable(),
  /**
   * The validation loss at the run's last validation, or null when it evaluated none: the adapter a merge takes is
   * the last step's, so a lower loss earlier in the run is not what the merged model has.
   */
  finalValLoss: z.number().nullable(),
  adapterBytes: z.number(),
});
export type AdapterRun = z.infer<typeof AdapterRun>;

/**
 * Why a finished fine-tune, DPO or PPO run offers no adapter to merge: it trained the whole model ('full': it saved a
 * model, not an adapter), its adapter files are gone ('no-adapter'), or the model it was trained on was deleted.
 */
export const ADAPTERLESS_REASONS = ['full', 'no-adapter', 'base-deleted'] as const;
export const AdapterlessRun = z.object({ runId: z.string(), name: z.string(), kind: z.string(), reason: z.enum(ADAPTERLESS_REASONS) });
export type AdapterlessRun = z.infer<typeof AdapterlessRun>;

/** One file or folder a deploy job wrote: `<job id>#<index in its result's artifacts>`. Never a path. */
export const ArtifactId = z.string().regex(/^[A-Za-z0-9_-]{1,80}#\d{1,4}$/, 'an artifact id is <job id>#<index>');
export const artifactId = (jobId: string, index: number): string => `${jobId}#${index}`;
export function parseArtifactId(id: string): { jobId: string; index: number } {
  const hash = id.lastIndexOf('#');
  return { jobId: id.slice(0, hash), index: Number(id.slice(hash + 1)) };
}

export const LocatedArtifact = z.object({ path: z.string(), directory: z.boolean(), bytes: z.number() });
export type LocatedArtifact = z.infer<typeof LocatedArtifact>;

export const deployMethods = {
  /** Finished runs with a LoRA adapter whose base the studio still has, newest first; projectId narrows them. */
  'deploy.adapterRuns': { params: z.object({ projectId: z.string().min(1).nullable().optional() }), result: z.array(AdapterRun) },
  /** Finished runs of those kinds that deploy.adapterRuns leaves out, each with why (the merge step says how to get one). */
  'deploy.adapterlessRuns': { params: z.object({ projectId: z.string().min(1).nullable().optional() }), result: z.array(AdapterlessRun) },
  /**
   * Where an artifact of a finished deploy job lies, checked to be inside what that job wrote (the data
   * directory's models/ for merge and quantise, the chosen output for export). The Electron shell opens only
   * paths this returns.
   */
  'deploy.locateArtifact': { params: z.object({ id: ArtifactId }), result: LocatedArtifact },
  /** Merge a run's adapter, or an adapter folder, into its base as a new model; a 'deploy' job. */
  'deploy.merge': { params: MergeParams, result: Job },
  /** Quantise a model: each dtype becomes a model of its own; a 'deploy' job. */
  'deploy.quantize': { params: QuantizeParams, result: Job },
  /** Export a model (GGUF file, transformers.js ONNX folder, Hugging Face folder); a 'deploy' job. */
  'deploy.export': { params: ExportParams, result: Job },
} as const;
