// The 'dataset-import' job: the same importDataset the CLI runs, in a job's child process.
import { openStore } from '../store/db.ts';
import type { WorkerRun } from '../jobs/protocol.ts';
import { importDataset } from './import.ts';
import type { DatasetImportInput } from '../api/schemas.ts';

export const run: WorkerRun = async (params, ctx) => {
  const store = openStore(ctx.dataDir);
  try {
    const dataset = await importDataset(params as DatasetImportInput, {
      store,
      dataDir: ctx.dataDir,
      signal: ctx.signal,
      onProgress: (p) => ctx.progress(p.fraction, p.message, p.etaSeconds),
      log: (level, line) => ctx.log(level, line),
    });
    return { datasetId: dataset.id, rowCount: dataset.rowCount, columns: dataset.columns };
  } finally {
    store.close();
  }
};
