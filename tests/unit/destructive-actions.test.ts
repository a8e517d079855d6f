// One rule for destructive actions across the renderer: where a Delete or Remove is offered (a page's header, a card,
// a table row) it is the DeleteAction primitive (red words, last, set apart); a plain Button that says Delete or
// Remove is only the strong red confirmation in the dialog it opens (variant "danger"). Pages had a grey "Delete"
// beside "New project", a red outlined "× Delete" and an outlined "× Remove".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDERER = path.resolve(import.meta.dirname, '../../renderer/src');
const sources = readdirSync(RENDERER, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tsx')).map((f) => path.join(RENDERER, f));

/** Each `<Button …>…</Button>` of `text`, with the line it starts on. */
function buttons(text: string): { source: string; line: number }[] {
  const found: { source: string; line: number }[] = [];
  for (let end = text.indexOf('</Button>'); end >= 0; end = text.indexOf('</Button>', end + 1)) {
    const start = text.lastIndexOf('<Button', end);
    if (start >= 0) found.push({ source: text.slice(start, end), line: text.slice(0, start).split('\n').length });
  }
  return found;
}

describe('destructive actions', () => {
  it('a Button that says Delete or Remove is a dialog\'s red confirmation; every other one is a DeleteAction', () => {
    const stray: string[] = [];
    for (const file of sources) {
      for (const b of buttons(readFileSync(file, 'utf8'))) {
        // its words: after the opening tag's last '>' or in a string it shows ('Remove' of a ternary)
        const words = b.source.slice(b.source.lastIndexOf('>') + 1);
        const says = /^\s*(Delete|Remove)\b/.test(words) || /\{[^}]*'(Delete|Remove)\b[^']*'\s*\}\s*$/.test(b.source);
        if (says && !/variant="danger"/.test(b.source)) stray.push(`${path.relative(RENDERER, file)}:${b.line}: ${b.source.replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    }
    expect(stray, 'use <DeleteAction> (renderer/src/ui/primitives.tsx) for a Delete or Remove that opens or does the deletion').toEqual([]);
  });
});
