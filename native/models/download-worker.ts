// The 'model-download' job: fetch a Hub repository's files (hub-download.ts), then import the folder the way
// a local one is imported, in the job's child process so a multi-GB download never blocks the studio.
import fs from 'node:fs';
import type { WorkerRun } from '../jobs/protocol.ts';
import { downloadDir, downloadRepo, type DownloadParams } from './hub-download.ts';
import { asImportError, importModelFolder } from './import.ts';

/** Progress messages at most this often: a fast mirror delivers thousands of chunks a second. */
const REPORT_EVERY_MS = 250;

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The job: download, then import; the downloaded copy is removed once the model is in the data directory. */
export const run: WorkerRun = async (params, ctx) => {
  const p = params as DownloadParams;
  const dir = downloadDir(ctx.dataDir, p.repo, p.revision);
  const t0 = Date.now();
  let lastReport = 0;
  const onBytes = (done: number, total: number | null, file: string) => {
    const now = Date.now();
    if (now - lastReport < REPORT_EVERY_MS) return;
    lastReport = now;
    const rate = done / Math.max(0.001, (now - t0) / 1000);
    const message = `${file}: ${mb(done)}${total ? ` of ${mb(total)}` : ''}`;
    ctx.progress(total ? Math.min(0.99, done / total) : 0, message, total ? (total - done) / Math.max(1, rate) : null);
  };
  await downloadRepo(p, dir, onBytes, ctx.signal);
  ctx.progress(0.99, 'importing');
  // The same import as a local folder's ('model-import'): checked, copied with fsync, renamed, then recorded —
  // under the repository it came from, not the staging folder it was downloaded to.
  const name = p.name ?? p.repo.split('/')[1];
  const onProgress = (i: { message: string }) => ctx.progress(0.99, `importing: ${i.message}`);
  const model = await importModelFolder(ctx.dataDir, dir, name, { source: `hub:${p.repo}`, signal: ctx.signal, onProgress }).catch((err: unknown) => {
    throw asImportError(err);
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { model };
};
