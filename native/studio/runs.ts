// A recorded run's files, and what a person does to a run beyond reading it: tag it, write a note on it, delete it. Deleting is
// refused while anything still writes to the run (its job, the CLI training it in the foreground, or the
// playground finishing a generation), since the writer would then record metrics for a run that is gone.
import fs from 'node:fs';
import path from 'node:path';
import type { methods } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import { isFinishedState } from '../api/schemas.ts';
import type { HandlersFor } from './context.ts';

type RunMethods = Pick<typeof methods, 'runs.artifacts' | 'runs.update' | 'runs.delete'>;

export const runHandlers: HandlersFor<RunMethods> = {
  'runs.artifacts': ({ id }, _raw, { store }) => store.runs.artifacts(store.runs.find(id, 'id').id),
  'runs.update': ({ id, tags, note }, _raw, { store }) => {
    const run = store.runs.find(id, 'id');
    return store.runs.annotate(run.id, { tags, note })!;
  },
  'runs.delete': ({ id }, _raw, { store, dataDir }) => {
    const run = store.runs.find(id, 'id');
    if (!isFinishedState(run.status)) {
      const job = store.jobs.list(500, run.id).find((j) => j.state === 'queued' || j.state === 'running');
      const writer = job ? `its job ${job.id} is ${job.state}` : store.runs.hasLiveOwner(run.id) ? 'a lathe process is training it' : run.kind === 'generation' ? 'the playground is still generating it' : null;
      if (writer) throw new StudioError('conflict', `run ${run.id} is ${run.status} (${writer}); cancel it first, then delete it`, { field: 'id' });
    }
    // Row first, then files: a crash in between leaves an orphan folder, never a row whose files are gone.
    const deleted = store.runs.delete(run.id);
    if (deleted) fs.rmSync(path.join(dataDir, 'runs', run.id), { recursive: true, force: true });
    return { deleted };
  },
};
