// A run's time spent running (activeSeconds): summed over each start and resume, so the pause between a cancel and a
// resume is not counted as finishedAt − startedAt counts it; unknown (null) once a run was found interrupted, since
// when its process died is not known; the stretch a job's end closes counts up to the job's finish time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-active-');
const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const at = (seconds: number) => vi.setSystemTime(T0 + seconds * 1000);

afterEach(() => {
  vi.useRealTimers();
});

describe('run active time', () => {
  it('sums the stretches between each start or resume and the next stop, leaving the pauses out', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = open(tempDir());
    at(0);
    const run = store.runs.create({ kind: 'finetune', name: 'lora', config: {} });
    expect(store.runs.get(run.id)!.activeSeconds).toBeNull(); // never started
    at(10);
    store.runs.setStatus(run.id, 'running');
    at(12.5);
    store.runs.setStatus(run.id, 'running'); // said again while running: the stretch goes on from 10 s
    at(40);
    expect(store.runs.setStatus(run.id, 'cancelled')!.activeSeconds).toBe(30);
    at(100); // 60 s paused
    store.runs.setStatus(run.id, 'running');
    expect(store.runs.get(run.id)!.activeSeconds).toBe(30); // the open stretch is not counted until it ends
    at(125.25);
    const done = store.runs.setStatus(run.id, 'succeeded')!;
    expect(done.activeSeconds).toBe(55.25);
    expect((Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000).toBe(115.25);
  });

  it('closes the stretch at the time a job ended it; an interrupted run’s total is unknown, and stays so after a resume', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = open(tempDir());
    at(0);
    const a = store.runs.create({ kind: 'finetune', name: 'a', config: {} });
    store.runs.setStatus(a.id, 'running');
    at(500);
    expect(store.runs.endIfOpen(a.id, 'cancelled', new Date(T0 + 20_000).toISOString())).toBe(true);
    expect(store.runs.get(a.id)!.activeSeconds).toBe(20);

    const b = store.runs.create({ kind: 'finetune', name: 'b', config: {} });
    at(600);
    store.runs.setStatus(b.id, 'running');
    at(9000); // found dead much later
    store.runs.endIfOpen(b.id, 'interrupted');
    expect(store.runs.get(b.id)!.activeSeconds).toBeNull();
    at(9100);
    store.runs.setStatus(b.id, 'running');
    at(9200);
    expect(store.runs.setStatus(b.id, 'succeeded')!.activeSeconds).toBeNull();
  });
});
