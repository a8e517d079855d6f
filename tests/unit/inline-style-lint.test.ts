// The renderer's inline-style rule (eslint.config.js, INLINE_STYLE_RULES): a fixed value in style={{ }} is refused,
// in pages and in ui/primitives.tsx alike; a value the data decides (an expression) goes through.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The inline-style complaints about `jsx` (one element), as the file `file` would get them. */
async function styleErrors(jsx: string, file = 'renderer/src/pages/x/Probe.tsx'): Promise<string[]> {
  const code = `export function Probe({ n, color }: { n: number; color: string }) {\n  return ${jsx};\n}\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-syntax' && !/Use Select/.test(m.message)).map((m) => m.message);
}

describe('inline style rule', () => {
  it.each([
    ['a stack\'s gap', "<div className=\"stack\" style={{ gap: 'var(--space-3)' }} />"],
    ['a gap in pixels', '<div style={{ gap: 6 }} />'],
    ['a grid\'s columns', "<div style={{ gridTemplateColumns: 'repeat(4, minmax(0, 1fr))' }} />"],
    ['the columns as a template with nothing in it', '<div style={{ gridTemplateColumns: `repeat(3, 1fr)` }} />'],
    ['a margin', '<h3 style={{ margin: 0 }} />'],
    ['a padding', '<p style={{ padding: 8 }} />'],
    ['a fixed colour in one branch', "<span style={n ? undefined : { background: 'transparent' }} />"],
  ])('refuses %s', async (_, jsx) => {
    const errors = await styleErrors(jsx);
    expect(errors.join()).toMatch(/A fixed style value belongs in a class/);
  });

  it('refuses an inline font size even when computed', async () => {
    expect((await styleErrors('<span style={{ fontSize: n }} />')).join()).toMatch(/shared classes/);
  });

  it('applies in ui/primitives.tsx too', async () => {
    expect((await styleErrors('<div style={{ gap: 4 }} />', 'renderer/src/ui/primitives.tsx')).join()).toMatch(/A fixed style value/);
  });

  it.each([
    ['a bar\'s width from the data', '<div style={{ width: `${n}%` }} />'],
    ['a part\'s share and a series\' colour', '<div style={{ flex: n, background: color }} />'],
    ['a grid\'s column count from the data', '<div style={{ gridTemplateColumns: `repeat(${n}, minmax(0, 1fr))` }} />'],
  ])('lets through %s', async (_, jsx) => {
    expect(await styleErrors(jsx)).toEqual([]);
  });
});
