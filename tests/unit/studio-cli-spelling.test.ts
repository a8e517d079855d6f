// The studio spells a CLI command one way, as the README does (`npx lathe …`, through cliCommand in
// native/api/labels.ts): the Runs page said `lathe train` while Inside said `npx lathe model import-llama2c …`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCommand } from '../../native/api/labels.ts';

const RENDERER = path.join(import.meta.dirname, '../../renderer/src');

/** The renderer's source files, each with its comments left out: a comment may name a command as it likes. */
function sources(): { file: string; code: string }[] {
  return readdirSync(RENDERER, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => ({
      file: f,
      code: readFileSync(path.join(RENDERER, f), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
        .map((line) => line.replace(/\s\/\/ .*$/, '').replace(/\{\/\*.*?\*\/\}/g, ''))
        .join('\n'),
    }));
}

describe('the CLI as the studio names it', () => {
  it('is npx lathe, as the README runs it', () => {
    expect(cliCommand('train')).toBe('npx lathe train');
    expect(readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8')).toContain('npx lathe train ');
  });

  it('is spelled by cliCommand on every page: no bare `lathe COMMAND`, no `npx lathe` typed out', () => {
    const found = sources().flatMap(({ file, code }) => [...code.matchAll(/(?:npx )?\blathe [a-z][\w-]*/g)].map((m) => `${file}: ${m[0]}`));
    expect(found).toEqual([]);
  });
});
