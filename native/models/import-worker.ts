// The 'model-import' job: the same import code `lathe model import` runs, in a job's child process, so copying
// a multi-GB folder never blocks the studio. Progress is bytes copied of the total, with the file in hand.
import type { WorkerRun } from '../jobs/protocol.ts';
import { asImportError, runModelImport, type ModelImportParams } from './import.ts';

export const run: WorkerRun = async (params, ctx) => {
  const started = Date.now();
  try {
    const model = await runModelImport(ctx.dataDir, params as ModelImportParams, {
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
};
