// A recorded run's files (and a playground generation's output text), and what a person does to a run beyond reading it: tag it, write a note on it, delete it. Deleting is
// refused while anything still writes to the run (its job, the CLI training it in the foreground, or the
// playground finishing a generation), since the writer would then record metrics for a run that is gone.
import fs from 'node:fs';
import path from 'node:path';
import type { methods } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import { isFinishedState } from '../api/schemas.ts';
import type { HandlersFor } from './context.ts';

type RunMethods = Pick<typeof methods, 'runs.artifacts' | 'runs.generationOutput' | 'runs.update' | 'runs.delete'>;

/** The most of a generation's output.json the run page reads (the playground's own outputs are far smaller). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export const runHandlers: HandlersFor<RunMethods> = {
  'runs.artifacts': ({ id }, _raw, { store }) => store.runs.artifacts(store.runs.find(id, 'id').id),
  'runs.generationOutput': ({ id }, _raw, { store }) => {
    const run = store.runs.find(id, 'id');
    if (run.kind !== 'generation') throw new StudioError('invalid_params', `run ${run.id} (kind ${run.kind}) is not a playground generation; only those record an output text`, { field: 'id' });
    const artifact = store.runs.artifacts(run.id).find((a) => a.kind === 'generation-output');
    if (!artifact) return null;
    if (!fs.existsSync(artifact.path)) throw new StudioError('not_found', `${artifact.path}: the generation's output file is gone`, { file: artifact.path });
    if (fs.statSync(artifact.path).size > MAX_OUTPUT_BYTES) throw new StudioError('invalid_params', `${artifact.path}: larger than ${MAX_OUTPUT_BYTES} bytes; open the file itself`, { file: artifact.path });
    let out: { text?: unknown; finishReason?: unknown; contextFull?: unknown; tokenIds?: unknown };
    try {
      out = JSON.parse(fs.readFileSync(artifact.path, 'utf8')) as typeof out;
    } catch (err) {
      throw new StudioError('invalid_params', `${artifact.path}: not JSON (${(err as Error).message})`, { file: artifact.path });
    }
    const prompt = (run.config as { prompt?: unknown }).prompt;
    return {
      prompt: typeof prompt === 'string' ? prompt : '',
      text: typeof out.text === 'string' ? out.text : '',
      finishReason: typeof out.finishReason === 'string' ? out.finishReason : 'unknown',
      contextFull: Number.isInteger(out.contextFull) ? (out.contextFull as number) : null, // null in outputs recorded before it was
      generatedTokens: Array.isArray(out.tokenIds) ? out.tokenIds.length : 0,
    };
  },
  'runs.update': ({ id, tags, note }, _raw, { store }) => {
    const run = store.runs.find(id, 'id');
    return store.runs.annotate(run.id, { tags, note })!;
  },
  'runs.delete': ({ id }, _raw, { store, dataDir }) => {
    const run = store.runs.find(id, 'id');
    if (!isFinishedState(run.status)) {
      const job = store.jobs.list(500, run.id).find((j) => j.state === 'queued' || j.state === 'running');
      const writer = job ? `its job ${job.id} is ${job.state}`
        : store.runs.hasLiveOwner(run.id) ? (run.kind === 'generation' ? 'the playground is still generating it' : 'a lathe process is training it')
        : null;
      if (writer) throw new StudioError('conflict', `run ${run.id} is ${run.status} (${writer}); cancel it first, then delete it`, { field: 'id' });
    }
    // Row first, then files: a crash in between leaves an orphan folder, never a row whose files are gone.
    const deleted = store.runs.delete(run.id);
    if (deleted) fs.rmSync(path.join(dataDir, 'runs', run.id), { recursive: true, force: true });
    return { deleted };
  },
};
