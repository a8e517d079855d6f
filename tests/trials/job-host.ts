// A minimal studio for the fault trials: opens the data directory as the app does (recovering jobs a dead studio
// left), runs one job through the job queue, prints `worker <pid>` once its child process runs and the final job
// as JSON. Usage: node --import tsx tests/trials/job-host.ts DATA_DIR KIND PARAMS_JSON [MODULE]
// (MODULE: a WorkerRun module to register as KIND, for a test's own kind of job)
import { registerJobKind } from '../../native/jobs/kinds.ts';
import { Studio } from '../../native/studio/studio.ts';

const [dataDir, kind, paramsJson, module] = process.argv.slice(2);
if (module) registerJobKind(kind, module);
const studio = new Studio({ dataDir, mode: 'serve' });
let announced = false;
const job = studio.queue.enqueue(kind, JSON.parse(paramsJson));
// `worker <pid>` once the job's process has begun its work (its first log line or progress), as the CLI's first
// line on stderr marks it for a foreground command: the trials time their kills from there
const stop = studio.queue.listen((event) => {
  const working = event.type === 'job.log' || (event.type === 'job.updated' && event.payload.state === 'running' && event.payload.message !== 'starting');
  if (announced || !working) return;
  const pid = (studio.store.db.prepare('SELECT worker_pid FROM jobs WHERE id = ?').get(job.id) as { worker_pid: number | null }).worker_pid;
  if (pid === null) return;
  announced = true;
  console.log(`worker ${pid}`);
});
await studio.queue.whenFinished(job.id);
stop();
console.log(JSON.stringify(studio.store.jobs.get(job.id)));
await studio.close();
