// The rules electron/ipc.ts applies to every call from the window, checked in plain Node (they live in
// electron/dispatch.ts, which imports nothing from Electron): unknown methods and invalid arguments never
// reach the engine; valid calls get the raw params; engine errors keep their code and details.
import { describe, expect, it } from 'vitest';
import type { StudioClient } from '../../native/api/contract.ts';
import { dispatchCall } from '../../electron/dispatch.ts';

function recordingStudio(answer: (method: string, params: unknown) => unknown): { studio: StudioClient; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const studio = {
    async call(method: string, params: unknown) {
      calls.push([method, params]);
      return answer(method, params);
    },
    listen: () => () => undefined,
  } as unknown as StudioClient;
  return { studio, calls };
}

describe('IPC call dispatch', () => {
  it('refuses a method that is not in the contract', async () => {
    const { studio, calls } = recordingStudio(() => null);
    expect(await dispatchCall(studio, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await dispatchCall(studio, 42, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await dispatchCall(studio, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(calls).toEqual([]);
  });

  it('refuses arguments that fail the method schema, naming the field', async () => {
    const { studio, calls } = recordingStudio(() => null);
    const answer = await dispatchCall(studio, 'projects.create', { name: '', task: 'poetry' });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('invalid_params');
    expect(answer.error.message).toMatch(/name|task/);
    expect((answer.error.details as { path: PropertyKey[] }[]).map((d) => d.path.join('.'))).toEqual(expect.arrayContaining(['name', 'task']));
    expect(await dispatchCall(studio, 'datasets.rows', { id: 'd1', limit: 100000 })).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(calls).toEqual([]);
  });

  it('passes valid calls through with the params as sent', async () => {
    const { studio, calls } = recordingStudio((method) => (method === 'projects.list' ? [] : { deleted: true }));
    expect(await dispatchCall(studio, 'projects.list', undefined)).toEqual({ ok: true, result: [] });
    const patch = { id: 'p1', patch: { name: 'Renamed' } };
    await dispatchCall(studio, 'projects.update', patch);
    expect(calls).toEqual([['projects.list', {}], ['projects.update', patch]]); // no defaults filled into the patch
  });

  it('returns engine errors with their code and details, and anything else as internal', async () => {
    const located = Object.assign(new Error('dev.jsonl line 3: bad JSON'), { code: 'invalid_params', details: { file: 'dev.jsonl', line: 3 } });
    const failing = recordingStudio(() => { throw located; });
    expect(await dispatchCall(failing.studio, 'projects.list', {})).toEqual({ ok: false, error: { code: 'invalid_params', message: 'dev.jsonl line 3: bad JSON', details: { file: 'dev.jsonl', line: 3 } } });
    const crashing = recordingStudio(() => { throw new TypeError('boom'); });
    expect(await dispatchCall(crashing.studio, 'projects.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});
