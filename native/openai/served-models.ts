// Which models the server answers for, all from the store: every model by its name (or id), and every LoRA
// adapter a training run left (fine-tuning, DPO, PPO: api/run-kinds.ts' ADAPTER_RUN_KINDS) as
// `<base model name>:<run id>`. A request's `model` string is only ever looked
// up here, never used as a path: the folders come from the store's rows.
import path from 'node:path';
import { ADAPTER_RUN_KINDS, isAdapterKind } from '../api/run-kinds.ts';
import type { Model, Run } from '../api/schemas.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { Store } from '../store/db.ts';
import { encoderRefusal } from '../store/models.ts';
import { invalidParam, modelNotFound } from './errors.ts';

export interface ServedModel {
  /** The name clients send and /v1/models lists. */
  name: string;
  model: Model;
  /** The PEFT adapter folder applied on top (runs/<id>/adapter), or null. */
  adapterDir: string | null;
  /** Seconds since the epoch, for /v1/models' `created`. */
  created: number;
}

const seconds = (iso: string | null | undefined) => Math.floor(Date.parse(iso ?? '') / 1000) || 0;

/** The base model a fine-tuning run started from, if the store still has it. */
function runBase(store: Store, config: unknown): Model | null {
  const key = (config as { model?: unknown } | null)?.model;
  return typeof key === 'string' ? tryFind(store, key, false) : null;
}

/** The adapter a run left, if it is of a kind that trains one (the list and the resolver both ask here). */
function adapterOf(store: Store, run: Run): { dir: string; created: string } | null {
  if (!isAdapterKind(run.kind)) return null;
  const artifact = store.runs.artifacts(run.id).find((a) => a.kind === 'adapter');
  return artifact ? { dir: path.dirname(artifact.path), created: artifact.createdAt } : null;
}

/** Every text-generation model and adapter the store holds, as /v1/models lists them (embedding models are not served). */
export function listServedModels(store: Store): ServedModel[] {
  const models: ServedModel[] = store.models.list().filter((m) => m.kind === 'decoder').map((m) => ({ name: m.name, model: m, adapterDir: null, created: seconds(m.createdAt) }));
  const runs = ADAPTER_RUN_KINDS.flatMap((kind) => store.runs.list({ kind })).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const run of runs) {
    const adapter = adapterOf(store, run);
    const base = adapter && runBase(store, run.config);
    if (adapter && base) models.push({ name: `${base.name}:${run.id}`, model: base, adapterDir: adapter.dir, created: seconds(adapter.created) });
  }
  return models;
}

/**
 * The model `name` stands for: a model's name or id, else `<model>:<run id>` for a LoRA run's adapter on that
 * model (a model whose own name holds ':' is found by its whole name first). Unknown names are a 404 listing
 * what is served and where to list them (`listedBy`, as for modelNotFound). The model found is marked in use by a
 * `lathe serve-api` (store/in-use.ts: a delete elsewhere is refused while it serves) unless `opening` is false: a
 * request that only describes it (GET /v1/models/NAME).
 */
export function resolveServedModel(store: Store, name: string, listedBy?: string, opening = true): ServedModel {
  const notFound = () => modelNotFound(name, listServedModels(store).map((m) => m.name), listedBy);
  const whole = tryFind(store, name, opening);
  if (whole?.kind === 'encoder') throw invalidParam('model', encoderRefusal(whole.name, 'answer chat or completion requests'), 'model_not_supported');
  if (whole) return { name, model: whole, adapterDir: null, created: seconds(whole.createdAt) };
  const colon = name.lastIndexOf(':');
  if (colon <= 0) throw notFound();
  const base = tryFind(store, name.slice(0, colon), opening);
  const runId = name.slice(colon + 1);
  const run = base && store.runs.get(runId);
  const adapter = run && adapterOf(store, run);
  if (!base || !adapter) throw notFound();
  if (isOnnxOnlyFolder(base.path)) {
    const trainedOn = runBase(store, run.config);
    const instead = trainedOn && trainedOn.id !== base.id ? `ask for '${trainedOn.name}:${runId}'` : `ask for the adapter on the model it was trained on`;
    throw invalidParam('model', `'${base.name}' is a quantised ONNX model: its prebuilt graph cannot take a LoRA adapter; ${instead}, or merge the adapter and quantise the merged model (lathe merge, then lathe quantize).`, 'model_not_supported');
  }
  return { name, model: base, adapterDir: adapter.dir, created: seconds(adapter.created) };
}

/** The model `key` names, or null; `opening` marks it in use (store/models.ts' find), else it is only looked at (peek). */
function tryFind(store: Store, key: string, opening: boolean): Model | null {
  try {
    return opening ? store.models.find(key) : store.models.peek(key);
  } catch {
    return null;
  }
}
