// What tests of Studio calls share: a Studio over a temporary data folder (closed and removed after each test),
// and the StudioError a refused call rejects with.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { Studio, type StudioOptions } from '../../native/studio/studio.ts';

/** Studios opened by `open()` in this test file are closed, and their folders removed, after every test. */
export function tempStudios(prefix: string, mode: StudioOptions['mode']): { open(): { studio: Studio; dataDir: string } } {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    open() {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      const studio = new Studio({ dataDir, mode });
      cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      cleanups.push(() => studio.close());
      return { studio, dataDir };
    },
  };
}

/** The StudioError `promise` rejects with; throws if it resolves or rejects with anything else. */
export async function refusal(promise: Promise<unknown>): Promise<StudioError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StudioError) return err;
    throw err;
  }
  throw new Error('expected the call to be refused');
}

/** The error of job `id`, polled until it fails (every 25 ms, 10 s at most); fails the test if the job succeeds. */
export async function failedJobError(studio: Studio, id: string): Promise<string | null> {
  for (let i = 0; i < 400; i++) {
    const now = await studio.call('jobs.get', { id });
    expect(now.state).not.toBe('succeeded');
    if (now.state === 'failed') return now.error;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}
