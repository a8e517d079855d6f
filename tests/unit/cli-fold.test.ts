// Help and usage lines folded to a terminal's width: `lathe train --help` in an 80-column window printed option
// descriptions and usage lines of 300–700 characters, which the terminal broke at its edge, through the option
// column. A terminal gets them folded under their column; piped output keeps one line per option, for grep.
import { describe, expect, it, onTestFinished } from 'vitest';
import { commandHelp } from '../../native/cli.ts';
import { loadCommands } from '../../native/cli/registry.ts';
import { mainConsole } from '../fixtures/cli-in-process.ts';
import { fold, foldUsage, terminalWidth } from '../../native/cli/wrap.ts';

/** `stream` as a terminal of `columns` columns (or not a terminal) until the test ends. */
function asTerminal(stream: NodeJS.WriteStream, columns: number | undefined): void {
  const own = { isTTY: Object.getOwnPropertyDescriptor(stream, 'isTTY'), columns: Object.getOwnPropertyDescriptor(stream, 'columns') };
  Object.defineProperty(stream, 'isTTY', { value: columns !== undefined, configurable: true });
  Object.defineProperty(stream, 'columns', { value: columns, configurable: true });
  onTestFinished(() => {
    for (const key of ['isTTY', 'columns'] as const) {
      const d = own[key];
      if (d) Object.defineProperty(stream, key, d);
      else delete (stream as unknown as Record<string, unknown>)[key];
    }
  });
}

const run = mainConsole;

const longest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('folding help for a terminal', () => {
  it("every command's --help fits 80 columns when folded, and keeps one line per option unfolded", async () => {
    for (const command of await loadCommands()) {
      const name = command.path.join(' ');
      const folded = commandHelp(command, 80);
      const tooLong = folded.split('\n').filter((l) => l.length > 80 && l.trim().includes(' '));
      expect(tooLong, `lathe ${name} --help`).toEqual([]);
      // the same words in the same order: folding only moves line breaks
      expect(folded.replace(/\s+/g, ' '), name).toBe(commandHelp(command).replace(/\s+/g, ' '));
      // unfolded, an indented line is an option's row or another usage form, never a description carried over
      const carried = commandHelp(command).split('\n').filter((l) => /^\s/.test(l) && !/^ {2}--\S/.test(l) && !/^ {7}lathe /.test(l));
      expect(carried, name).toEqual([]);
    }
  });

  it('lathe train --help on an 80-column terminal folds descriptions under their column; piped, it does not', async () => {
    asTerminal(process.stdout, 80);
    const terminal = await run(['train', '--help']);
    expect(terminal.code).toBe(0);
    expect(longest(terminal.out)).toBeLessThanOrEqual(80);
    // a folded usage form goes on under the command's words, a folded description under the description column
    expect(terminal.out).toMatch(/^Usage: lathe train --model N --dataset D \[--method lora\|full\]\n {9}\[--rank R --alpha A --dropout P --targets q_proj,v_proj\]/m);
    const column = terminal.out.match(/^( {2}--model VALUE +)/m)![1].length;
    expect(terminal.out).toMatch(new RegExp(`\\n {${column}}\\S`));
    asTerminal(process.stdout, undefined);
    const piped = await run(['train', '--help']);
    expect(longest(piped.out)).toBeGreaterThan(200);
  });

  it("a refusal's usage is folded for a terminal on stderr, and left whole for a pipe and under --json", async () => {
    asTerminal(process.stderr, 80);
    const terminal = await run(['train', '--steps', '3']);
    expect(terminal.code).toBe(2);
    expect(terminal.err).toMatch(/^lathe train: unknown option '--steps'\./);
    expect(longest(terminal.err)).toBeLessThanOrEqual(80);
    expect(terminal.err).toMatch(/\n {7}lathe train --resume RUN \[--threads T\] \[--json\]\n$/);
    const json = await run(['train', '--steps', '3', '--json']);
    expect(JSON.parse(json.out).error).toMatch(/Usage: lathe train --model N --dataset D \[--method lora\|full\] \[--rank R/);
    asTerminal(process.stderr, undefined);
    expect(longest((await run(['train', '--steps', '3'])).err)).toBeGreaterThan(200);
  });

  it('fold keeps the prefix, breaks prose at any word and a usage form between bracketed groups', () => {
    expect(fold('  --x VALUE  ', 'one two three four five six seven eight nine ten eleven twelve', 13, 40)).toBe(
      '  --x VALUE  one two three four five six\n             seven eight nine ten eleven\n             twelve',
    );
    expect(fold('Usage: ', 'lathe x --a A [--bb B --cc C] [--dd D] [--ee E --ff F --gg G]', 9, 40, true)).toBe(
      'Usage: lathe x --a A [--bb B --cc C]\n         [--dd D] [--ee E --ff F --gg G]',
    );
    // no width, or no room after the indent: one line
    expect(fold('  ', 'a b c', 2, undefined)).toBe('  a b c');
    expect(fold(' '.repeat(30), 'word '.repeat(20).trim(), 30, 40)).toBe(' '.repeat(30) + 'word '.repeat(20).trim());
    // a refusal's prose folds under its own indent; a path, having no space, stays whole
    const prose = foldUsage(`lathe x: bad\n  not usage ${'w '.repeat(20).trim()} /a/very/long/path/that/is/wider/than/the/window/given.txt`, 40).split('\n');
    expect(prose.slice(0, 3)).toEqual(['lathe x: bad', '  not usage w w w w w w w w w w w w w w', '  w w w w w w']);
    expect(prose[3]).toBe('  /a/very/long/path/that/is/wider/than/the/window/given.txt');
    expect(foldUsage('lathe x: bad\n'.concat('w '.repeat(50)), undefined)).toBe('lathe x: bad\n'.concat('w '.repeat(50)));
    expect(terminalWidth({ isTTY: true, columns: 300 })).toBe(120);
    expect(terminalWidth({ isTTY: false, columns: 80 })).toBeUndefined();
  });
});
