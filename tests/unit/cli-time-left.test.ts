// The CLI's progress lines say time left one way (api/format.ts' timeLeft). `lathe eval` printed 'about 0s left' while
// examples remained (an estimate under half a second rounds to 0), and so did training; `lathe dataset import` hid the
// 0 instead. Now each says 'under 1s left' while work remains, and nothing once it is all done.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timeLeft } from '../../native/api/format.ts';
import type { CliContext } from '../../native/cli/command.ts';
import { progressPrinter } from '../../native/cli/dataset.ts';
import { progressLine } from '../../native/cli/eval.ts';
import { foregroundEnv } from '../../native/cli/foreground.ts';
import { stderrOf } from './stderr-capture.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-time-left-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function context(info: string[] = []): CliContext {
  return { dataDir: root, json: false, print: () => {}, info: (line) => void info.push(line), warn: () => {}, log: () => {} };
}

/** The progress text written to stderr, without a terminal's carriage returns and padding. */
const text = (written: string[]) => written.join('').replace(/\r/g, '').replace(/ +\n/g, '\n').trim();

describe('timeLeft', () => {
  it('says under 1s, seconds, minutes or hours, and nothing when unknown', () => {
    expect([0, 0.4, 0.6, 12, 89, 90, 3000, 5400, 9000].map(timeLeft)).toEqual([
      'under 1s left', 'under 1s left', 'about 1s left', 'about 12s left', 'about 89s left', 'about 2 min left', 'about 50 min left', 'about 1.5 h left', 'about 2.5 h left',
    ]);
    expect([null, Infinity, NaN].map(timeLeft)).toEqual([null, null, null]);
  });
});

describe('progress lines', () => {
  it('lathe eval: under 1s left while examples remain, nothing at the end', async () => {
    const during = await stderrOf(() => progressLine(context()).update(9, 10, 0));
    expect(text(during.written)).toBe('evaluating: 9/10 examples, under 1s left'); // before: 'about 0s left'
    const end = await stderrOf(() => progressLine(context()).update(10, 10, 0));
    expect(text(end.written)).toBe('evaluating: 10/10 examples');
    const later = await stderrOf(() => progressLine(context()).update(2, 10, 150));
    expect(text(later.written)).toBe('evaluating: 2/10 examples, about 3 min left'); // before: 'about 150s left'
  });

  it('lathe dataset import: under 1s left while rows remain (it said nothing), nothing at the end', async () => {
    const during = await stderrOf(() => progressPrinter(context()).update({ fraction: 0.98, message: 'read 9.8 MB of 10 MB', etaSeconds: 0 }));
    expect(text(during.written)).toBe('importing: 98% — read 9.8 MB of 10 MB, under 1s left');
    const end = await stderrOf(() => progressPrinter(context()).update({ fraction: 1, message: 'imported 10 rows', etaSeconds: 0 }));
    expect(text(end.written)).toBe('importing: 100% — imported 10 rows');
  });

  it('lathe dataset import into a pipe: the last line is the 100 % one, not the 99 % that reading every byte reaches', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const { written } = await stderrOf(() => {
        const printer = progressPrinter(context());
        printer.update({ fraction: 0.99, message: 'read 461 KB of 461 KB, 500 rows', etaSeconds: null });
        printer.update({ fraction: 0.99, message: 'splitting 500 rows', etaSeconds: null }); // within 2 s: a pipe skips it
        printer.update({ fraction: 1, message: 'imported 500 rows', etaSeconds: 0 });
        printer.done();
      });
      // before: only the first line, so the import seemed to stop at 99 %
      expect(text(written).split('\n')).toEqual(['importing: 99% — read 461 KB of 461 KB, 500 rows', 'importing: 100% — imported 500 rows']);
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  });

  it('training: a second left while steps remain (on the clock its line keeps, cli/figures.ts), nothing after the last step', () => {
    const info: string[] = [];
    const { env, close } = foregroundEnv(context(info), 'training');
    try {
      env.progress(0.9, 'step 9/10, loss 1', 0);
      env.progress(1, 'step 10/10, loss 1', 0);
    } finally {
      close();
    }
    // before: 'about 0s left' both
    expect(info).toEqual(['training: step 9/10, loss 1, 0:00 elapsed, 0:01 left', 'training: step 10/10, loss 1, 0:00 elapsed']);
  });
});
