// A job worker for tests/integration/jobs-studio-kill.test.ts: work that runs start to end without yielding to the
// event loop (as a long computation does), so it never hears the disconnect of a studio that died meanwhile; then it
// writes a file, the result a next studio must not call interrupted.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkerRun } from '../../../native/jobs/protocol.ts';

export const run: WorkerRun = async (params, ctx) => {
  const { ms } = params as { ms: number };
  ctx.progress(0.1, 'working without a break');
  await new Promise((r) => setTimeout(r, 50)); // let the progress reach the studio, which the test then kills
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); // blocked: no event, no disconnect, is seen
  const file = path.join(ctx.dataDir, 'made-by-the-job.txt');
  fs.writeFileSync(file, 'done\n');
  return { file };
};
