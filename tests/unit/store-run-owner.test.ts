// Runs trained outside the job queue (the CLI in the foreground) record their process; opening the store ends
// the open ones whose process is gone as 'interrupted' (a SIGKILLed `lathe train` used to stay 'running' for ever),
// and leaves alone runs whose owner lives and runs a job drives (the job table ends those).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../native/store/db.ts';
import { tempStores } from './temp-stores.ts';
import { currentOwner, isOwnerAlive, processStartMarker, type ProcessOwner } from '../../native/store/process-owner.ts';

const HAS_PROC = processStartMarker(process.pid) !== null;
if (!HAS_PROC) console.log('store-run-owner: the pid-reuse test is skipped: this system has no /proc/<pid>/stat start times');

const { tempDir, open } = tempStores('lathe-run-owner-');

/** The owner record of a process that has exited (spawned, recorded, SIGKILLed, reaped). */
async function deadOwner(): Promise<ProcessOwner> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  const owner = { pid: child.pid!, started: processStartMarker(child.pid!) };
  expect(isOwnerAlive(owner)).toBe(true);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return owner;
}

function runningRun(store: Store, owner: ProcessOwner | null): string {
  const run = store.runs.create({ kind: 'finetune', name: 'r' });
  store.runs.setStatus(run.id, 'running', owner);
  return run.id;
}

describe('runs owned by a process', () => {
  it('end as interrupted when the store is next opened after their process died', async () => {
    const dir = tempDir();
    const store = open(dir);
    const dead = runningRun(store, await deadOwner());
    const alive = runningRun(store, currentOwner());
    const byJob = runningRun(store, null);
    expect(store.runs.get(dead)?.status).toBe('running');
    expect(store.runs.hasLiveOwner(alive)).toBe(true);
    expect(store.runs.hasLiveOwner(dead)).toBe(false);

    const reopened = open(dir);
    expect(reopened.runs.get(dead)).toMatchObject({ status: 'interrupted' });
    expect(reopened.runs.get(dead)?.finishedAt).not.toBeNull();
    expect(reopened.runs.get(alive)?.status).toBe('running');
    expect(reopened.runs.get(byJob)?.status).toBe('running');
  });

  it('leave finished runs as they ended, and a resumed run takes its new owner', async () => {
    const dir = tempDir();
    const store = open(dir);
    const owner = await deadOwner();
    const done = runningRun(store, owner);
    store.runs.setStatus(done, 'succeeded');
    expect(store.runs.interruptOrphaned()).toEqual([]);
    expect(store.runs.get(done)?.status).toBe('succeeded');

    const resumed = runningRun(store, owner);
    expect(store.runs.interruptOrphaned()).toEqual([resumed]);
    store.runs.setStatus(resumed, 'running', currentOwner()); // `lathe train --resume` in this process
    expect(store.runs.get(resumed)?.finishedAt).toBeNull();
    expect(store.runs.interruptOrphaned()).toEqual([]);
    expect(store.runs.get(resumed)?.status).toBe('running');
  });

  it('are owned from their creation, so one whose process died before its first status write still ends', async () => {
    const dir = tempDir();
    const store = open(dir);
    const orphan = store.runs.create({ kind: 'finetune', name: 'r', owner: await deadOwner() }).id; // the trials' SQLITE_FULL case
    const byJob = store.runs.create({ kind: 'finetune', name: 'j' }).id;
    const reopened = open(dir);
    expect(reopened.runs.get(orphan)?.status).toBe('interrupted');
    expect(reopened.runs.get(byJob)?.status).toBe('created');
  });

  it.skipIf(!HAS_PROC)('count a reused pid as a different process when its start marker differs', () => {
    const store = open(tempDir());
    const reused = runningRun(store, { pid: process.pid, started: `${processStartMarker(process.pid)}1` });
    expect(store.runs.interruptOrphaned()).toEqual([reused]);
    expect(store.runs.get(reused)?.status).toBe('interrupted');
  });
});
