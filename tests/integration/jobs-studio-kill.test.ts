// A studio SIGKILLed while a job's process is in work that does not stop on the way (a computation that runs start
// to end without yielding never sees the disconnect): the job's process finishes it alone, its file written. Its
// 'done' had no one to hear it, so the next studio called the job 'interrupted … run it again' (for an import,
// running it again then failed on the model's name). The job's own process now records the success it could not
// report. The work is a test worker's (workers/unyielding-worker.ts): Lathe's own imports now hear a cancel within a
// tensor, so a kill timed against them lands, as it should, in work that stops.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../native/studio/studio.ts';
import { waitGone } from './helpers/processes.ts';
import { HAS_SHARED_DATA, ROOT, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const JOB_HOST = path.join(ROOT, 'tests/trials/job-host.ts');
const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`jobs-studio-kill: the model import case is skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);
const UNYIELDING = path.join(import.meta.dirname, 'workers/unyielding-worker.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs the job in a studio of its own process (job-host.ts), SIGKILLs that studio once the job's process works, and returns that process's pid. */
async function killStudioOnceWorking(dataDir: string, kind: string, params: unknown, module?: string): Promise<number> {
  const host = spawn(process.execPath, ['--import', 'tsx', JOB_HOST, dataDir, kind, JSON.stringify(params), ...(module ? [module] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => host.once('exit', (_code, signal) => resolve(signal)));
  const worker = await new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const pid = /^worker (\d+)$/m.exec(output)?.[1];
      if (pid === undefined) return;
      host.kill('SIGKILL');
      resolve(Number(pid));
    };
    host.stdout.on('data', onData);
    host.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`the studio ended before its job's process worked:\n${output}`)));
  });
  expect(await exited).toBe('SIGKILL');
  await waitGone([worker], 15_000);
  return worker;
}

describe('a studio killed while its job finishes regardless', () => {
  it('leaves the job succeeded with its result, not interrupted', async () => {
    const dataDir = tempDir('jobs-studio-kill');
    dirs.push(dataDir);
    // blocked for 3 s: the studio is killed as soon as the work begins, long before it ends
    await killStudioOnceWorking(dataDir, 'unyielding', { ms: 3000 }, UNYIELDING);
    const file = path.join(dataDir, 'made-by-the-job.txt');
    expect(fs.readFileSync(file, 'utf8'), 'the job finished its work alone').toBe('done\n');
    const studio = new Studio({ dataDir, mode: 'serve' }); // recovers what the dead studio left
    try {
      const [job] = studio.store.jobs.list();
      expect([job.state, job.error]).toEqual(['succeeded', null]);
      expect(job.result).toEqual({ file });
    } finally {
      await studio.close();
    }
  }, 60_000);
});

describe.skipIf(!HAS_MODEL)('a studio killed during a model import', () => {
  // The import hears its closed channel within a tensor: it stops, registers nothing, and the next studio calls the
  // job interrupted and removes the working folder. Should the import have finished first, the job is succeeded with
  // the model it registered; either way the job, the models and models/ agree.
  it('leaves the job, the model list and models/ agreeing', async () => {
    const dataDir = tempDir('jobs-studio-kill-import');
    dirs.push(dataDir);
    const params = { source: 'llama2c', checkpoint: path.join(MODEL, 'stories260K.bin'), tokenizer: path.join(MODEL, 'tok512.bin'), name: 's260k' };
    await killStudioOnceWorking(dataDir, 'model-import', params);
    const studio = new Studio({ dataDir, mode: 'serve' });
    try {
      const [job] = studio.store.jobs.list();
      const models = studio.store.models.list();
      const folders = fs.readdirSync(path.join(dataDir, 'models'));
      if (job.state === 'interrupted') {
        expect([models, folders]).toEqual([[], []]);
      } else {
        expect(job.state).toBe('succeeded');
        expect(models.map((m) => m.name)).toEqual(['s260k']);
        expect((job.result as { model: { id: string } }).model.id).toBe(models[0].id);
        expect(folders).toEqual([models[0].id]);
      }
    } finally {
      await studio.close();
    }
  }, 60_000);
});
