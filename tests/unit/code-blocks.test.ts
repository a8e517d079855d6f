// One code block in the design system: every command, snippet, prompt, log or file the renderer shows as it is goes
// through CodeBlock (ui/primitives.tsx, the .code-block of styles/components.css). Pages had four looks of their own
// (.serve-code, .run-pre, .judge-prompt pre, an inline style for the few-shot prompt) beside the shared one, each with
// its own padding, wrapping and height.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDERER = path.resolve(import.meta.dirname, '../../renderer/src');
const PRIMITIVES = path.join(RENDERER, 'ui/primitives.tsx');
const COMPONENTS_CSS = path.join(RENDERER, 'styles/components.css');

const files = (ext: string) => readdirSync(RENDERER, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext)).map((f) => path.join(RENDERER, f));

/** `file:line: text` for each line of the files that `test` picks (comments blanked first for CSS). */
function lines(paths: string[], test: (line: string) => boolean): string[] {
  return paths.flatMap((file) => {
    let text = readFileSync(file, 'utf8');
    if (file.endsWith('.css')) text = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
    return text.split('\n').flatMap((line, i) => (test(line) ? [`${path.relative(RENDERER, file)}:${i + 1}: ${line.trim().slice(0, 140)}`] : []));
  });
}

describe('code blocks', () => {
  it('no component but CodeBlock draws a <pre>: pages use CodeBlock', () => {
    expect(lines(files('.tsx').filter((f) => f !== PRIMITIVES), (l) => /<pre[\s>]/.test(l))).toEqual([]);
    expect(lines([PRIMITIVES], (l) => /<pre[\s>]/.test(l))).toHaveLength(1);
  });

  it('no stylesheet but components.css styles a pre element or the code block', () => {
    const selectors = (l: string) => l.split('{')[0];
    const found = lines(files('.css').filter((f) => f !== COMPONENTS_CSS), (l) => l.includes('{') && (/(^|[\s,>+~])pre\b(?![-\w])/.test(selectors(l)) || /\.code-block\b[^{]*\{[^}]*(font|background|padding|border|white-space)/.test(l)));
    expect(found).toEqual([]);
  });
});
