// The OpenAI server's admission queue: a bound on running and waiting requests, first come first served, and a
// waiting request that is abandoned leaving the line.
import { describe, expect, it } from 'vitest';
import { QueueFullError, RequestQueue } from '../../native/openai/request-queue.ts';

describe('RequestQueue', () => {
  it('runs `slots` at once, queues the rest in arrival order, and refuses beyond the bound', async () => {
    const q = new RequestQueue(1, 2);
    const order: string[] = [];
    const first = await q.acquire();
    const b = q.acquire().then((release) => (order.push('b'), release));
    const c = q.acquire().then((release) => (order.push('c'), release));
    await expect(q.acquire()).rejects.toBeInstanceOf(QueueFullError);
    expect([q.active, q.queued]).toEqual([1, 2]);
    first();
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect([q.active, q.queued]).toEqual([0, 0]);
  });

  it('never lets a newcomer overtake a waiting request when a slot frees', async () => {
    const q = new RequestQueue(1, 4);
    const first = await q.acquire();
    const order: string[] = [];
    const waiting = q.acquire().then((release) => (order.push('waiting'), release));
    first();
    const newcomer = q.acquire().then((release) => (order.push('newcomer'), release));
    (await waiting)();
    (await newcomer)();
    expect(order).toEqual(['waiting', 'newcomer']);
  });

  it('takes an abandoned waiter out of the line and ignores a second release', async () => {
    const q = new RequestQueue(1, 1);
    const first = await q.acquire();
    const leaving = new AbortController();
    const waiter = q.acquire(leaving.signal);
    leaving.abort(new Error('client gone'));
    await expect(waiter).rejects.toThrow('client gone');
    expect(q.queued).toBe(0);
    first();
    first();
    expect(q.active).toBe(0);
    const again = await q.acquire();
    expect(q.active).toBe(1);
    again();
  });

  it('refuses a bound that makes no sense', () => {
    expect(() => new RequestQueue(0, 1)).toThrow(RangeError);
    expect(() => new RequestQueue(1, -1)).toThrow(RangeError);
  });
});
