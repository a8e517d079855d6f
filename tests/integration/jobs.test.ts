// The job queue: jobs run in child processes, report progress and logs to the store and to listeners, can be
// cancelled (politely, then by force), and a job whose process dies fails with its last log lines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../native/api/contract.ts';
import { registerJobKind } from '../../native/jobs/kinds.ts';
import { withReusedHeap } from '../../native/jobs/reused-heap.ts';
import { Studio } from '../../native/studio/studio.ts';

registerJobKind('test-worker', path.join(import.meta.dirname, 'workers/test-worker.ts'));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openStudio(options: { cancelGraceMs?: number; concurrency?: number } = {}): Studio {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-jobs-'));
  const studio = new Studio({ dataDir, mode: 'serve', jobs: options });
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => studio.close());
  return studio;
}

describe('job queue', () => {
  it('runs a job in a child process and reports state, progress and logs', async () => {
    const studio = openStudio();
    const events: StudioEvent[] = [];
    studio.listen((e) => events.push(e));
    const job = studio.queue.enqueue('test-worker', { mode: 'ok' });
    await studio.queue.whenFinished(job.id);
    const done = await studio.call('jobs.get', { id: job.id });
    expect(done.state).toBe('succeeded');
    expect(done.result).toEqual({ answer: 42 });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
    const states = events.filter((e) => e.type === 'job.updated').map((e) => (e.payload as { state: string }).state);
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('succeeded');
    expect(events.some((e) => e.type === 'job.updated' && e.payload.message === 'half way')).toBe(true);
    const logs = await studio.call('jobs.logs', { id: job.id });
    expect(logs.map((l) => l.line)).toContain('worker started in mode ok');
    // the job's process got the training processes' malloc settings (native/jobs/reused-heap.ts)
    expect(logs.map((l) => l.line)).toContain(`GLIBC_TUNABLES=${withReusedHeap(process.env).GLIBC_TUNABLES}`);
  });

  it('marks a job whose process dies as failed, with its last log lines', async () => {
    const studio = openStudio();
    const job = studio.queue.enqueue('test-worker', { mode: 'crash' });
    await studio.queue.whenFinished(job.id);
    const failed = await studio.call('jobs.get', { id: job.id });
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/exited with code 3/);
    expect(failed.error).toMatch(/about to fall over/);
  });

  it('cancels a running job, killing it when it does not stop within the grace period', async () => {
    const studio = openStudio({ cancelGraceMs: 300, concurrency: 2 });
    const polite = studio.queue.enqueue('test-worker', { mode: 'slow' });
    const stubborn = studio.queue.enqueue('test-worker', { mode: 'stubborn' });
    await waitFor(async () => (await studio.call('jobs.logs', { id: stubborn.id })).length > 0 && (await studio.call('jobs.logs', { id: polite.id })).length > 0);
    await studio.call('jobs.cancel', { id: polite.id });
    await studio.call('jobs.cancel', { id: stubborn.id });
    await Promise.all([studio.queue.whenFinished(polite.id), studio.queue.whenFinished(stubborn.id)]);
    expect((await studio.call('jobs.get', { id: polite.id })).state).toBe('cancelled');
    expect((await studio.call('jobs.get', { id: stubborn.id })).state).toBe('cancelled');
  });

  it('runs one job at a time by default and cancels a queued one without starting it', async () => {
    const studio = openStudio();
    const first = studio.queue.enqueue('test-worker', { mode: 'slow' });
    const second = studio.queue.enqueue('test-worker', { mode: 'ok' });
    expect((await studio.call('jobs.get', { id: second.id })).state).toBe('queued');
    expect((await studio.call('jobs.cancel', { id: second.id })).state).toBe('cancelled');
    await studio.call('jobs.cancel', { id: first.id });
    await studio.queue.whenFinished(first.id);
    expect((await studio.call('jobs.logs', { id: second.id }))).toEqual([]);
  });

  it('ends running jobs as interrupted when the studio closes', async () => {
    const studio = openStudio();
    const job = studio.queue.enqueue('test-worker', { mode: 'slow' });
    await waitFor(async () => (await studio.call('jobs.logs', { id: job.id })).length > 0);
    await studio.queue.close();
    expect(studio.store.jobs.get(job.id)?.state).toBe('interrupted');
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
