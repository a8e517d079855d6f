// Studio API handlers for the Integrate page (schemas in native/api/deploy.ts): merge, quantise and export each
// check at once what they can (the model exists, the adapter or text file is there, the new names are free) and
// enqueue a 'deploy' job (native/deploy/deploy-worker.ts), which reports progress, can be cancelled and leaves
// no partial files.
import fs from 'node:fs';
import path from 'node:path';
import type { deployMethods } from '../api/deploy.ts';
import { StudioError } from '../api/errors.ts';
import type { HandlersFor } from './context.ts';

type DeployHandlers = HandlersFor<typeof deployMethods>;

function requirePath(p: string, field: string, what: string): string {
  const resolved = path.resolve(p);
  if (!fs.existsSync(resolved)) throw new StudioError('invalid_params', `${p}: no such ${what}`, { field, file: p });
  return resolved;
}

function requireAdapter(p: string, field: string): string {
  const dir = requirePath(p, field, 'folder; give the PEFT adapter folder (adapter_config.json + adapter_model.safetensors)');
  if (!fs.existsSync(path.join(dir, 'adapter_config.json'))) throw new StudioError('invalid_params', `${p}: no adapter_config.json; give the folder of a PEFT LoRA adapter`, { field, file: p });
  return dir;
}

export const deployHandlers: DeployHandlers = {
  'deploy.merge': (p, _raw, ctx) => {
    const model = ctx.store.models.find(p.modelId);
    ctx.store.models.requireFreeName(p.name);
    return ctx.queue.enqueue('deploy', { op: 'merge', ...p, modelId: model.id, adapterPath: requireAdapter(p.adapterPath, 'adapterPath') });
  },
  'deploy.quantize': (p, _raw, ctx) => {
    const model = ctx.store.models.find(p.modelId);
    for (const d of p.dtypes) ctx.store.models.requireFreeName(`${model.name}-${d}`);
    const reportTextPath = p.reportTextPath ? requirePath(p.reportTextPath, 'reportTextPath', 'file; give a held-out text file for the report') : undefined;
    return ctx.queue.enqueue('deploy', { op: 'quantize', ...p, modelId: model.id, reportTextPath });
  },
  'deploy.export': (p, _raw, ctx) => {
    const model = ctx.store.models.find(p.modelId);
    const adapterPath = p.adapterPath ? requireAdapter(p.adapterPath, 'adapterPath') : undefined;
    if (adapterPath && p.format === 'onnx') throw new StudioError('invalid_params', 'an ONNX export does not take an adapter; merge it first (deploy.merge), then export the merged model', { field: 'adapterPath' });
    return ctx.queue.enqueue('deploy', { op: 'export', ...p, modelId: model.id, outPath: path.resolve(p.outPath), adapterPath });
  },
};
