// The studio's lazily started worker (generation and Inside services): answers pair with their requests by id,
// a crash fails what was pending with the exit code and the last stderr lines, the next send starts a fresh
// worker, and after close() sends are refused with the service's own words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { LazyWorker, PendingReplies } from '../../native/studio/lazy-worker.ts';

type To = { type: 'echo'; id: string; text: string } | { type: 'hold'; id: string } | { type: 'crash' };
type From = { id: string; text: string };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-lazy-worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const entry = path.join(dir, 'worker.mjs');
fs.writeFileSync(
  entry,
  `process.on('message', (m) => {
    if (m.type === 'echo') process.send({ id: m.id, text: m.text + ' from ' + process.pid });
    else if (m.type === 'crash') { process.stderr.write('first\\nsecond\\nthird\\nfourth\\n'); process.exit(3); }
  });\n`,
);

function service() {
  const pending = new PendingReplies<string>();
  const exits: string[] = [];
  const worker = new LazyWorker<To, From>({
    entry,
    name: 'the test worker',
    refusal: 'no new tests are accepted',
    onMessage: (m) => pending.resolve(m.id, m.text),
    onExit: (why) => {
      exits.push(why);
      pending.rejectAll(new StudioError('internal', why));
    },
  });
  const echo = (text: string) => pending.ask((id) => worker.send({ type: 'echo', id, text }));
  return { worker, pending, exits, echo };
}

describe('LazyWorker', () => {
  it('starts on first send, answers by id, fails pending work on a crash and restarts on the next send', async () => {
    const { worker, pending, exits, echo } = service();
    expect(worker.connected).toBe(false);
    const [a, b] = await Promise.all([echo('a'), echo('b')]);
    expect(worker.connected).toBe(true);
    const pid = a.split(' from ')[1];
    expect(b).toBe(`b from ${pid}`);

    const inFlight = pending.ask((id) => worker.send({ type: 'hold', id })); // never answered
    worker.send({ type: 'crash' });
    await expect(inFlight).rejects.toThrow('the test worker exited with code 3: second third fourth');
    expect(exits).toEqual(['the test worker exited with code 3: second third fourth']);

    const again = await echo('again');
    expect(again).toMatch(/^again from \d+$/);
    expect(again.split(' from ')[1]).not.toBe(pid);
    await worker.close();
    expect(exits).toHaveLength(2);
    expect(exits[1]).toBe('the test worker was killed by SIGTERM');
  });

  it('refuses sends after close, and a failing send rejects its own request only', async () => {
    const { worker, pending, echo } = service();
    await worker.close();
    const err = await echo('late').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('conflict');
    expect((err as StudioError).message).toBe('the studio is shutting down; no new tests are accepted');
    expect(pending.resolve('no-such-id', 'x')).toBe(false);
  });
});
