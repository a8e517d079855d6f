// Plausible mistakes on a walk through the README's lifecycle, each answered with what was wrong and what to do:
// `docs eval --query-column questoin` named neither the flag nor the column meant.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';

const scratch = scratchDataDir('walk-mistakes');

describe('CLI mistakes on the walk', () => {
  it('docs eval with a mistyped column names the flag and the column meant', async () => {
    const docs = path.join(scratch.dir, 'docs');
    fs.mkdirSync(docs);
    fs.writeFileSync(path.join(docs, 'reset.md'), '# Reset\n\nHold the reset button for ten seconds until the light blinks.\n');
    expect((await latheInProcess(['docs', 'add', 'manuals', docs], scratch.data)).code).toBe(0);
    const faq = path.join(scratch.dir, 'faq.jsonl');
    fs.writeFileSync(faq, '{"question":"how do I reset it","file":"reset.md"}\n');
    expect((await latheInProcess(['dataset', 'import', faq, '--name', 'faq', '--split', 'test'], scratch.data)).code).toBe(0);
    const ev = await latheInProcess(['docs', 'eval', 'manuals', '--dataset', 'faq', '--query-column', 'questoin', '--relevant-column', 'file'], scratch.data);
    expect(ev.code).toBe(2);
    expect(ev.stderr).toBe("lathe docs eval: dataset faq has no column 'questoin' (--query-column; columns: question, file). Did you mean 'question'?");
    const rel = await latheInProcess(['docs', 'eval', 'manuals', '--dataset', 'faq', '--query-column', 'question', '--relevant-column', 'files'], scratch.data);
    expect(rel.stderr).toBe("lathe docs eval: dataset faq has no column 'files' (--relevant-column; columns: question, file). Did you mean 'file'?");
  }, 60_000);
});
