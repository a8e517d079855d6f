// A studio SIGKILLed while a job's process is in work that does not stop on the way (a llama2.c conversion runs
// start to end without yielding): the job's process finishes it alone, the model registered. Its 'done' had no one
// to hear it, so the next studio called the job 'interrupted … run it again', and running it again failed on the
// model's name. The job's own process now records the success it could not report.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../native/studio/studio.ts';
import { waitGone } from './helpers/processes.ts';
import { HAS_SHARED_DATA, ROOT, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`jobs-studio-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

const JOB_HOST = path.join(ROOT, 'tests/trials/job-host.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs the job in a studio of its own process (job-host.ts), SIGKILLs that studio once the job's process works, and returns that process's pid. */
async function killStudioOnceWorking(dataDir: string, kind: string, params: unknown): Promise<number> {
  const host = spawn(process.execPath, ['--import', 'tsx', JOB_HOST, dataDir, kind, JSON.stringify(params)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe.skipIf(!HAS_MODEL)('a studio killed while its job finishes regardless', () => {
  it('leaves the job succeeded with its result, not interrupted', async () => {
    const params = { source: 'llama2c', checkpoint: path.join(MODEL, 'stories260K.bin'), tokenizer: path.join(MODEL, 'tok512.bin'), name: 's260k' };
    for (let attempt = 1; ; attempt++) {
      const dataDir = tempDir('jobs-studio-kill');
      dirs.push(dataDir);
      await killStudioOnceWorking(dataDir, 'model-import', params);
      const studio = new Studio({ dataDir, mode: 'serve' }); // recovers what the dead studio left
      try {
        const [job] = studio.store.jobs.list();
        const models = studio.store.models.list();
        if (models.length === 0) {
          // the kill landed before the conversion: the import stopped, and the job rightly reads interrupted
          expect(job.state).toBe('interrupted');
          if (attempt === 3) throw new Error('three kills all landed before the conversion began');
          continue;
        }
        expect(models.map((m) => m.name)).toEqual(['s260k']);
        expect(job.state).toBe('succeeded');
        expect(job.error).toBeNull();
        expect((job.result as { model: { id: string } }).model.id).toBe(models[0].id);
        return;
      } finally {
        await studio.close();
      }
    }
  }, 60_000);
});
