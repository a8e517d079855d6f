// The 'dataset-import' job: the same importDataset the CLI runs, in a job's child process.
import type { WorkerRun } from '../jobs/protocol.ts';
import { taskOptions, withJobEnv } from '../jobs/worker-env.ts';
import { importDataset } from './import.ts';
import { QUOTES_AS_TEXT_LABEL, SKIP_INVALID_LABEL } from '../api/labels.ts';
import type { DatasetImportInput } from '../api/schemas.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    // The studio's jobs are started from its import form: the refusal of a bad row names the form's checkboxes.
    const advice = { skipAdvice: `tick “${SKIP_INVALID_LABEL}”`, quotingAdvice: `tick “${QUOTES_AS_TEXT_LABEL}” and import it again` };
    const dataset = await importDataset(params as DatasetImportInput, { ...taskOptions(env), ...advice });
    return { datasetId: dataset.id, rowCount: dataset.rowCount, columns: dataset.columns };
  });
