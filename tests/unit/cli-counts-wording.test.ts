// Counts in CLI output in the right number, as a walk through the README's commands found them: `docs add` printed
// "3 document(s)" and "1 chunks", `docs eval` "1 queries", `metrics rouge` with one reference file "best of up to 1
// references".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-counts-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CLI counts', () => {
  it('docs add and docs eval: 1 document, 1 chunk, 1 query', async () => {
    const docs = path.join(dir, 'docs');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'reset.md'), '# Reset\n\nHold the reset button for ten seconds until the light blinks.\n');
    const data = path.join(dir, 'data');
    const add = await latheInProcess(['docs', 'add', 'manuals', docs], data);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^Imported 1 document into manuals:$/m);
    expect(add.stdout).toMatch(/reset\.md {2}1 chunk$/m);

    const faq = path.join(dir, 'faq.jsonl');
    fs.writeFileSync(faq, '{"question":"how do I reset it","file":"reset.md"}\n');
    const imp = await latheInProcess(['dataset', 'import', faq, '--name', 'faq', '--split', 'test'], data);
    expect(imp.code, imp.stderr).toBe(0);
    const ev = await latheInProcess(['docs', 'eval', 'manuals', '--dataset', 'faq', '--query-column', 'question', '--relevant-column', 'file'], data);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/^1 query; compare the runs/m);
  }, 60_000);

  it('metrics rouge with one reference file says one reference each', async () => {
    fs.writeFileSync(path.join(dir, 'pred.txt'), 'the cat sat on the mat\n');
    fs.writeFileSync(path.join(dir, 'ref.txt'), 'the cat is on the mat\n');
    const r = await latheInProcess(['metrics', 'rouge', '--pred', path.join(dir, 'pred.txt'), '--ref', path.join(dir, 'ref.txt')], path.join(dir, 'data'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 example, one reference each, stemming off\.$/m);
  });
});
