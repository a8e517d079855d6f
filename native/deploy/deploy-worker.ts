// The 'deploy' job: merge, quantise or export in a child process (the Integrate page's long steps), with
// progress, cancellation between steps and no partial files (every writer here builds beside its target and
// renames; a quantise job that stops part-way also removes the variants it had registered, so a cancelled job
// keeps nothing, and the studio removes them when this process dies instead: quantizeAll records each in the job's row as it registers it). The same engine functions `lathe merge`, `lathe quantize` and `lathe export` run.
import fs from 'node:fs';
import path from 'node:path';
import { DeployJobParams, exportDtypesProblem, type HF_DTYPES, type ONNX_DTYPES, quantizedModelName, type DeployResult } from '../api/deploy.ts';
import { StudioError } from '../api/errors.ts';
import type { Model } from '../api/schemas.ts';
import type { WorkerRun, WorkerContext } from '../jobs/protocol.ts';
import { findModel, variantSourceName } from '../models/registry.ts';
import { exportGguf, type GgufDtype } from './gguf-write.ts';
import { exportLoraGguf } from './gguf-lora.ts';
import { copyHfFolder } from './hf-export.ts';
import { folderBytes, mergeAsModel, mergeToFolder } from './merge-model.ts';
import { exportOnnxFolder } from './onnx-export.ts';
import { quantizationReport } from './quantize-report.ts';
import { quantizeModel, unregisterModels } from './quantize-model.ts';

/** The job's own check of its dtypes (the Studio API checked them before it started the job), in the API's words. */
function checkedDtypes<T extends string>(format: 'gguf' | 'onnx' | 'hf', dtypes: readonly string[]): T[] {
  const problem = exportDtypesProblem(format, dtypes);
  if (problem) throw new StudioError('invalid_params', problem, { field: 'dtypes' });
  return dtypes as T[];
}

type QuantizeJob = Extract<DeployJobParams, { op: 'quantize' }>;

/** Each variant becomes a model; then, if asked, the report measures them all beside fp32. */
async function quantizeAll(p: QuantizeJob, model: Model, result: DeployResult, ctx: WorkerContext): Promise<void> {
  for (const [i, dtype] of p.dtypes.entries()) {
    const share = (f: number) => (i + f) / p.dtypes.length * (p.reportTextPath ? 0.4 : 1);
    const q = await quantizeModel(ctx.dataDir, model, dtype, quantizedModelName(model.name, dtype), {
      accuracyLevel: p.accuracyLevel as 0 | 1 | 2 | 3 | 4, embeddings: p.embeddings, signal: ctx.signal,
      onProgress: (x) => ctx.progress(share(x.fraction), `${dtype}: ${x.message}`),
      // the variant's row and the job's note of it are one transaction: a kill between them would orphan the variant
      onRegistered: (store, made) => store.jobs.update(ctx.jobId, { result: { ...result, models: [...result.models, made] } }),
    });
    result.models.push(q.model);
    result.artifacts.push({ path: q.model.path, bytes: q.variant.bytes, label: `${q.model.name}: ${q.variant.file}` });
  }
  if (p.reportTextPath) {
    if (ctx.signal.aborted) throw new StudioError('conflict', 'the job was cancelled');
    const text = fs.readFileSync(p.reportTextPath, 'utf8').slice(-20_000);
    result.report = await quantizationReport(model.path, {
      dtypes: p.dtypes, text, threads: p.threads, accuracyLevel: p.accuracyLevel as 0 | 1 | 2 | 3 | 4, embeddings: p.embeddings,
      onProgress: (x) => ctx.progress(0.4 + 0.6 * x.fraction, `report: ${x.message}`), signal: ctx.signal,
    });
  }
}

export const run: WorkerRun = async (raw, ctx) => {
  const p = DeployJobParams.parse(raw);
  const model = findModel(ctx.dataDir, p.modelId);
  const onProgress = (x: { fraction: number; message: string }) => ctx.progress(x.fraction, x.message);
  const result: DeployResult = { models: [], artifacts: [], report: null };
  if (p.op === 'merge') {
    const merged = await mergeAsModel(ctx.dataDir, model, p.adapterPath, p.name, p.dtype, { signal: ctx.signal, onProgress });
    result.models.push(merged);
    result.artifacts.push({ path: merged.path, bytes: folderBytes(merged.path), label: `merged model ${merged.name} (${p.dtype})` });
  } else if (p.op === 'quantize') {
    try {
      await quantizeAll(p, model, result, ctx);
    } catch (err) {
      unregisterModels(ctx.dataDir, result.models);
      throw err;
    }
  } else if (p.format === 'gguf') {
    const out = path.resolve(p.outPath);
    if (p.adapterPath) {
      const r = await exportLoraGguf(model.path, p.adapterPath, out, { name: model.name, onProgress, signal: ctx.signal });
      result.artifacts.push({ path: r.file, bytes: r.bytes, label: `GGUF LoRA adapter (${r.modules} weights)` });
    } else {
      const [dtype] = checkedDtypes<GgufDtype>('gguf', p.dtypes);
      const r = await exportGguf(model.path, out, { dtype, name: model.name, onProgress, signal: ctx.signal });
      result.artifacts.push({ path: r.file, bytes: r.bytes, label: `GGUF ${dtype}` });
    }
  } else if (p.format === 'onnx') {
    const dtypes = checkedDtypes<(typeof ONNX_DTYPES)[number]>('onnx', p.dtypes);
    const r = await exportOnnxFolder(model.path, path.resolve(p.outPath), { dtypes, accuracyLevel: p.accuracyLevel as 0 | 1 | 2 | 3 | 4 | undefined, onProgress, signal: ctx.signal, refusing: { doing: 'export', source: variantSourceName(ctx.dataDir, model) } });
    for (const v of r.variants) result.artifacts.push({ path: path.join(r.dir, v.file), bytes: v.bytes, label: `ONNX ${v.dtype}` });
  } else {
    const [dtype] = checkedDtypes<(typeof HF_DTYPES)[number]>('hf', p.dtypes);
    ctx.progress(0.1, p.adapterPath ? `merging ${p.adapterPath}` : `writing ${dtype} weights`);
    const r = p.adapterPath ? await mergeToFolder(model.path, p.adapterPath, p.outPath, dtype, ctx.signal) : await copyHfFolder(model.path, p.outPath, dtype, ctx.signal);
    result.artifacts.push({ path: r.dir, bytes: r.bytes, label: `Hugging Face folder (${dtype})` });
  }
  ctx.progress(1, 'done');
  return result;
};
