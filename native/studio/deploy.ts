// Studio API handlers for the Integrate page (schemas in native/api/deploy.ts): merge, quantise and export each
// check at once what they can (the model exists, the adapter or text file is there, the new names are free) and
// enqueue a 'deploy' job (native/deploy/deploy-worker.ts), which reports progress, can be cancelled and leaves
// no partial files: its writers clean up after themselves when they stop on the cancel, and when a job's process
// had to be killed the studio removes the temporaries it left (sweepAfterDeploy). A merge names its adapter by
// run id (resolved here from the store) or by folder.
import fs from 'node:fs';
import path from 'node:path';
import { DeployResult, GGUF_FILE, quantizedModelName, type DeployJobParams, type deployMethods } from '../api/deploy.ts';
import { StudioError } from '../api/errors.ts';
import { isFinishedState, type Job } from '../api/schemas.ts';
import { dataDirOutputProblem, outputPathProblem, sweepBeside } from '../models/atomic.ts';
import { sweepDeadImports } from '../models/import.ts';
import { adapterInRunFolder } from '../models/peft.ts';
import type { HandlerContext, HandlersFor } from './context.ts';
import { listAdapterlessRuns, listAdapterRuns, locateArtifact, resolveAdapterRun } from './deploy-artifacts.ts';
import { deleteModel } from './models.ts';

type DeployHandlers = HandlersFor<typeof deployMethods>;

function requirePath(p: string, field: string, what: string): string {
  const resolved = path.resolve(p);
  if (!fs.existsSync(resolved)) throw new StudioError('invalid_params', `${p}: no such ${what}`, { field, file: p });
  return resolved;
}

function requireAdapter(p: string, field: string): string {
  const dir = requirePath(p, field, 'folder; give the PEFT adapter folder (adapter_config.json + adapter_model.safetensors)');
  if (!fs.existsSync(path.join(dir, 'adapter_config.json'))) throw new StudioError('invalid_params', adapterInRunFolder(dir) ?? `${p}: no adapter_config.json; give the folder of a PEFT LoRA adapter`, { field, file: p });
  return dir;
}

/**
 * Remove what a deploy job killed mid-write left behind: `<out>.tmp-<pid>-…` beside an export, and the
 * half-built model folders under models/. Their writer's process is gone by the time the job has ended.
 */
export function sweepAfterDeploy(dataDir: string, params: DeployJobParams): string[] {
  sweepDeadImports(dataDir);
  return params.op === 'export' ? sweepBeside(params.outPath) : [];
}

/**
 * Remove the variants a quantise job had registered when its process died (killed, out of memory): its row holds
 * them (deploy-worker.ts records each as it is made). A job that stops part-way keeps nothing, whatever stopped it;
 * the worker removes them itself when it stops on a cancel or an error, leaving nothing for this to find.
 */
function removeLeftVariants(ctx: HandlerContext, jobId: string): void {
  const left = DeployResult.safeParse(ctx.store.jobs.get(jobId)?.result);
  if (!left.success) return;
  for (const model of left.data.models) deleteModel(ctx, model.id);
  ctx.store.jobs.update(jobId, { result: null });
}

function enqueueDeploy(ctx: HandlerContext, params: DeployJobParams): Job {
  const job = ctx.queue.enqueue('deploy', params);
  const stop = ctx.queue.listen((event) => {
    if (event.type !== 'job.updated' || event.payload.id !== job.id || !isFinishedState(event.payload.state)) return;
    stop();
    if (event.payload.state === 'succeeded') return;
    sweepAfterDeploy(ctx.dataDir, params);
    if (params.op === 'quantize') removeLeftVariants(ctx, job.id);
  });
  return job;
}

export const deployHandlers: DeployHandlers = {
  'deploy.adapterRuns': (p, _raw, ctx) => listAdapterRuns(ctx.store, p.projectId),
  'deploy.adapterlessRuns': (p, _raw, ctx) => listAdapterlessRuns(ctx.store, p.projectId),
  'deploy.locateArtifact': (p, _raw, ctx) => locateArtifact(ctx.store, ctx.dataDir, p.id),
  'deploy.merge': (p, _raw, ctx) => {
    ctx.store.models.requireFreeName(p.name);
    if (p.runId !== undefined) {
      const { base, adapterDir } = resolveAdapterRun(ctx.store, p.runId);
      if (p.modelId !== undefined && ctx.store.models.find(p.modelId).id !== base.id) {
        throw new StudioError('invalid_params', `run ${p.runId} trained an adapter for ${base.name}, not for ${p.modelId}; leave modelId out to merge onto the run's base`, { field: 'modelId' });
      }
      return enqueueDeploy(ctx, { op: 'merge', ...p, modelId: base.id, adapterPath: adapterDir });
    }
    const model = ctx.store.models.findDecoder(p.modelId!, 'take a LoRA adapter (Lathe fine-tunes text-generation models only)', 'modelId');
    return enqueueDeploy(ctx, { op: 'merge', ...p, modelId: model.id, adapterPath: requireAdapter(p.adapterPath!, 'adapterPath') });
  },
  'deploy.quantize': (p, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(p.modelId, 'be quantised (Lathe quantises text-generation models)', 'modelId');
    ctx.store.models.requireFreeNames(p.dtypes.map((d) => quantizedModelName(model.name, d)),
      (them) => `delete ${them} first, or quantise the other dtypes only`, 'dtypes');
    const reportTextPath = p.reportTextPath ? requirePath(p.reportTextPath, 'reportTextPath', 'file; give a held-out text file for the report') : undefined;
    return enqueueDeploy(ctx, { op: 'quantize', ...p, modelId: model.id, reportTextPath });
  },
  'deploy.export': (p, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(p.modelId, 'be exported (Lathe exports text-generation models)', 'modelId');
    const adapterPath = p.adapterPath ? requireAdapter(p.adapterPath, 'adapterPath') : undefined;
    if (adapterPath && p.format === 'onnx') throw new StudioError('invalid_params', 'an ONNX export does not take an adapter; merge it first (deploy.merge), then export the merged model', { field: 'adapterPath' });
    // a path through a file, or a file that is not an earlier GGUF export, is refused here, not by the job after it started
    const outProblem = dataDirOutputProblem(p.outPath, ctx.dataDir) ?? outputPathProblem(p.outPath, p.format === 'gguf' ? GGUF_FILE : 'folder');
    if (outProblem) throw new StudioError('invalid_params', `${p.outPath}: ${outProblem}`, { field: 'outPath', file: p.outPath });
    return enqueueDeploy(ctx, { op: 'export', ...p, modelId: model.id, outPath: path.resolve(p.outPath), adapterPath });
  },
};
