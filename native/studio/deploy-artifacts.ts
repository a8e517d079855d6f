// What the Integrate page picks from and points at without handling paths: the finished runs that left a LoRA
// adapter (run id → adapter folder, resolved here from the store's artifact rows), and the files a deploy job
// wrote (artifact id → path, checked to lie inside what that job was asked to write). A path that arrives from
// a page is never opened; these two functions are how a page names a folder instead.
import fs from 'node:fs';
import path from 'node:path';
import { DeployJobParams, DeployResult, parseArtifactId, type AdapterlessRun, type AdapterRun, type LocatedArtifact } from '../api/deploy.ts';
import { StudioError } from '../api/errors.ts';
import { ADAPTER_RUN_KINDS, isAdapterKind } from '../api/run-kinds.ts';
import type { Model, Run } from '../api/schemas.ts';
import { modelsDir } from '../models/registry.ts';
import type { Store } from '../store/db.ts';


/** The command that continues a stopped run of each adapter kind, for a merge refused before the run finished. */
const RESUME_COMMAND: Record<(typeof ADAPTER_RUN_KINDS)[number], string> = { finetune: 'lathe train --resume', dpo: 'lathe align dpo --resume', ppo: 'lathe align ppo --resume' };

function baseOf(store: Store, run: Run): Model | null {
  const config = (run.config ?? {}) as { modelId?: unknown; model?: unknown };
  for (const key of [config.modelId, config.model]) {
    if (typeof key !== 'string') continue;
    try {
      return store.models.find(key);
    } catch {
      // that base was deleted or renamed; try the other key
    }
  }
  return null;
}

/** The adapter folder a run left, if its files are still there. */
function adapterDirOf(store: Store, runId: string): { dir: string; bytes: number } | null {
  const artifact = store.runs.artifacts(runId).find((a) => a.kind === 'adapter');
  if (!artifact) return null;
  const dir = path.dirname(artifact.path);
  return fs.existsSync(path.join(dir, 'adapter_config.json')) && fs.existsSync(artifact.path) ? { dir, bytes: artifact.bytes } : null;
}

function adapterRun(store: Store, run: Run): (AdapterRun & { adapterDir: string }) | null {
  if (run.status !== 'succeeded' || !isAdapterKind(run.kind)) return null;
  const adapter = adapterDirOf(store, run.id);
  const base = adapter && baseOf(store, run);
  if (!adapter || !base) return null;
  const final = store.runs.metrics(run.id, 'val_loss').filter((m) => Number.isFinite(m.value)).sort((a, b) => a.step - b.step).at(-1);
  return {
    runId: run.id, name: run.name, kind: run.kind, baseModelId: base.id, baseModelName: base.name, finishedAt: run.finishedAt,
    finalValLoss: final?.value ?? null, adapterBytes: adapter.bytes, adapterDir: adapter.dir,
  };
}

/** Finished LoRA runs whose adapter and base are both still there, newest first (projectId: as runs.list reads it). */
export function listAdapterRuns(store: Store, projectId?: string | null): AdapterRun[] {
  const runs = ADAPTER_RUN_KINDS.flatMap((kind) => store.runs.list({ kind, projectId }));
  return runs
    .map((run) => adapterRun(store, run))
    .filter((r): r is NonNullable<typeof r> => r !== null)
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? ''))
    .map(({ adapterDir: _dir, ...shown }) => shown);
}

/**
 * Succeeded fine-tune, DPO and PPO runs that listAdapterRuns leaves out, with why: a full run saved a model instead
 * (its config's method), a LoRA run's adapter files are gone, or its base model was deleted.
 */
export function listAdapterlessRuns(store: Store, projectId?: string | null): AdapterlessRun[] {
  return ADAPTER_RUN_KINDS.flatMap((kind) => store.runs.list({ kind, projectId }))
    .filter((run) => run.status === 'succeeded' && adapterRun(store, run) === null)
    .map((run) => ({
      runId: run.id, name: run.name, kind: run.kind,
      reason: (run.config as { method?: unknown } | null)?.method === 'full' ? 'full' : adapterDirOf(store, run.id) ? 'base-deleted' : 'no-adapter',
    }));
}

/** The base model and adapter folder of a finished LoRA run, or an error saying why that run cannot be merged. */
export function resolveAdapterRun(store: Store, runId: string): { base: Model; adapterDir: string } {
  const run = store.runs.find(runId);
  const found = adapterRun(store, run);
  if (!found) {
    const resumable = (run.status === 'cancelled' || run.status === 'interrupted') && run.kind in RESUME_COMMAND;
    const why = run.status !== 'succeeded' ? `it is ${run.status}, not finished${resumable ? ` (finish it with '${RESUME_COMMAND[run.kind as keyof typeof RESUME_COMMAND]} ${run.id}' or Resume on its page)` : ''}`
      : !isAdapterKind(run.kind) ? `${/^[aeiou]/.test(run.kind) ? 'an' : 'a'} ${run.kind} run trains no adapter`
      : !adapterDirOf(store, run.id) ? 'it left no LoRA adapter (a full fine-tune, or its files were removed)'
      : 'its base model is no longer in the studio';
    throw new StudioError('invalid_params', `run ${runId} cannot be merged: ${why}; pick a finished LoRA run of kind ${ADAPTER_RUN_KINDS.join(', ')} ('lathe runs list --kind finetune' lists those of one kind; the Integrate page lists them all)`, { field: 'runId' });
  }
  return { base: store.models.find(found.baseModelId), adapterDir: found.adapterDir };
}

/** Is `inner` (already resolved through links) `root` itself or inside it? */
function isWithin(root: string, inner: string): boolean {
  const rel = path.relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

/**
 * Where artifact `id` lies. Only a succeeded 'deploy' job's artifacts resolve, and only when the path, with every
 * link followed, is inside what that job wrote: the data directory's models/ for merge and quantise, the output
 * the user chose for an export. Anything else — a rewritten row, a link out, a file since removed — is refused.
 */
export function locateArtifact(store: Store, dataDir: string, id: string): LocatedArtifact {
  const { jobId, index } = parseArtifactId(id);
  const gone = (why: string) => new StudioError('not_found', `artifact ${id}: ${why}`, { field: 'id' });
  const job = store.jobs.get(jobId);
  if (!job || job.kind !== 'deploy') throw gone('no deploy job has that id');
  if (job.state !== 'succeeded') throw gone(`its job is ${job.state}; only a finished job's files can be opened`);
  const result = DeployResult.safeParse(job.result);
  const params = DeployJobParams.safeParse(job.params);
  const artifact = result.success ? result.data.artifacts[index] : undefined;
  if (!artifact || !params.success) throw gone('that job lists no such file');
  const root = realOrNull(params.data.op === 'export' ? path.resolve(params.data.outPath) : modelsDir(dataDir));
  const real = realOrNull(artifact.path);
  if (!real) throw gone(`${artifact.path} is no longer there`);
  if (!root || !isWithin(root, real)) throw new StudioError('conflict', `artifact ${id}: ${artifact.path} is outside what its job wrote; it is not opened`, { field: 'id' });
  const stat = fs.statSync(real);
  return { path: real, directory: stat.isDirectory(), bytes: artifact.bytes };
}
