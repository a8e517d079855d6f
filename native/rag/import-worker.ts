// The 'docs-import' job: addDocuments in a job's child process, its progress reported as the job's.
import type { WorkerRun } from '../jobs/protocol.ts';
import { withJobEnv } from '../jobs/worker-env.ts';
import { DocsAddInput } from '../api/rag.ts';
import { addDocuments } from './collection.ts';

export const run: WorkerRun = (params, ctx) =>
  withJobEnv(ctx, async (env) => {
    const input = DocsAddInput.parse(params);
    const result = await addDocuments(env.store, input.collection, input.paths, {
      signal: env.signal,
      fileNames: input.fileNames,
      onProgress: (p) => env.progress(p.fraction, p.message, null),
    });
    for (const s of result.skipped) env.log('warn', `skipped ${s.path}: ${s.reason}`);
    return result;
  });
