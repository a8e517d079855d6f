// The 'model-import' job: the same import code `lathe model import` runs, in a job's child process, so copying
// a multi-GB folder never blocks the studio. Progress is bytes copied of the total, with the file in hand.
// Other imports that run as jobs (a GGUF file: deploy/gguf-import-worker.ts) report through runImportJob too.
import type { Model } from '../api/schemas.ts';
import type { WorkerContext, WorkerRun } from '../jobs/protocol.ts';
import { asImportError, runModelImport, type ImportOptions, type ModelImportParams } from './import.ts';

/** Run one import in a job: progress with an estimate of the time left, cancellation, errors in the API's shape. */
export async function runImportJob(ctx: WorkerContext, importModel: (opts: ImportOptions) => Promise<Model>): Promise<{ model: Model }> {
  const started = Date.now();
  try {
    const model = await importModel({
      signal: ctx.signal,
      onProgress: (p) => {
        const seconds = (Date.now() - started) / 1000;
        const eta = p.bytesTotal > 0 && p.bytesDone > 0 && seconds > 1 ? ((p.bytesTotal - p.bytesDone) * seconds) / p.bytesDone : null;
        ctx.progress(p.fraction, p.message, eta);
      },
    });
    return { model };
  } catch (err) {
    throw asImportError(err);
  }
}

export const run: WorkerRun = (params, ctx) => runImportJob(ctx, (opts) => runModelImport(ctx.dataDir, params as ModelImportParams, opts));
