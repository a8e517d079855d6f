// A studio in its own temporary data directory with stories260K imported, as the integration tests that drive the
// Studio API in-process start: through the API as the renderer does it (cli mode), or straight into the store for
// the trainers' tests (serve mode). Each test file removes the directory with closeStudio.
import fs from 'node:fs';
import path from 'node:path';
import { importLlama2cCheckpoint } from '../../../native/models/import.ts';
import { Studio } from '../../../native/studio/studio.ts';
import { SHARED_DATA, tempDir } from './lathe.ts';

export const STORIES260K = {
  checkpoint: path.join(SHARED_DATA, 'models/stories260K/stories260K.bin'),
  tokenizer: path.join(SHARED_DATA, 'models/stories260K/tok512.bin'),
};
export const HAS_STORIES260K = fs.existsSync(STORIES260K.checkpoint);

/** Imports stories260K as 's260k' through models.importLlama2c and its job; the model's id. A failed import throws with the job's error. */
export async function importStories260kByApi(studio: Studio): Promise<string> {
  const job = await studio.call('models.importLlama2c', { checkpoint: STORIES260K.checkpoint, tokenizer: STORIES260K.tokenizer, name: 's260k' });
  await studio.queue.whenFinished(job.id);
  const imported = await studio.call('jobs.get', { id: job.id });
  if (imported.state !== 'succeeded') throw new Error(`importing stories260K failed: ${imported.error}`);
  return (imported.result as { model: { id: string } }).model.id;
}

/**
 * A serve-mode studio over a fresh `lathe-<prefix>-…` data directory with stories260K imported as 's260k' straight
 * into the store. Should the import throw, the studio is closed and the directory removed before the error goes on.
 */
export async function openStoriesStudio(prefix: string): Promise<{ dataDir: string; studio: Studio }> {
  const dataDir = tempDir(prefix);
  const studio = new Studio({ dataDir, mode: 'serve' });
  try {
    await importLlama2cCheckpoint(dataDir, STORIES260K.checkpoint, STORIES260K.tokenizer, 's260k');
  } catch (err) {
    await closeStudio(studio, dataDir);
    throw err;
  }
  return { dataDir, studio };
}

/** Closes the studio (if it opened) and removes its data directory (if one was made). */
export async function closeStudio(studio: Studio | undefined, dataDir: string | undefined): Promise<void> {
  await studio?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
