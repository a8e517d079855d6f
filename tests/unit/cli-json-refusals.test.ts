// With --json, the command line's own refusals (an unknown option, a value left out, an argument a command does not
// take, an unknown command) answer as every command's errors do: the error object on stdout, nothing on stderr, the
// same exit code. They were written to stderr as text, so a script reading the JSON found none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-json-refusals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const dataDir = path.join(root, 'data');

/** The command's answer with and without --json: the JSON error must say what the text said, after 'lathe CMD: '. */
async function both(args: string[]): Promise<{ text: { code: number; stderr: string; stdout: string }; json: { code: number; stderr: string; stdout: string } }> {
  return { text: await latheInProcess(args, dataDir), json: await latheInProcess([...args, '--json'], dataDir) };
}

describe('refusals of the command line under --json', () => {
  const cases: [string, string[], string][] = [
    ['an unknown option', ['train', '--epochz', '2'], 'lathe train'],
    ['a value left out', ['runs', 'metrics', 'run_x', '--name'], 'lathe runs metrics'],
    ['a value that is the next option', ['runs', 'list', '--tag', '--kind', 'eval'], 'lathe runs list'],
    ['a value given to a flag that takes none', ['train', '--no-merge=yes'], 'lathe train'],
    ['an argument the command does not take', ['runs', 'list', 'extra'], 'lathe runs list'],
    ['an unknown command', ['trian', '--model', 'm'], 'lathe'],
    ['a group without its command', ['runs'], 'lathe runs'],
    ['an empty --data-dir', ['runs', 'list', '--data-dir='], 'lathe runs list'],
  ];
  for (const [what, args, who] of cases) {
    it(`${what}: the error object on stdout, exit code 2, stderr empty`, async () => {
      const { text, json } = await both(args);
      expect(text.code).toBe(2);
      expect(text.stderr.startsWith(`${who}: `)).toBe(true);
      expect([json.code, json.stderr]).toEqual([2, '']);
      expect(JSON.parse(json.stdout)).toEqual({ error: text.stderr.slice(who.length + 2) });
    });
  }

  it('--json before the command words counts too, and has the shape of an error the command itself reports', async () => {
    const refused = await latheInProcess(['--json', 'runs', 'show', 'run_x', '--bogus'], dataDir);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toEqual({ error: expect.stringMatching(/^unknown option '--bogus'\.[^]*\nUsage: lathe runs show RUN/) });
    const command = await latheInProcess(['--json', 'runs', 'show', 'run_000000000000'], dataDir);
    expect(command.code).toBe(2);
    expect(Object.keys(JSON.parse(command.stdout))).toEqual(Object.keys(JSON.parse(refused.stdout)));
  });

  it('a --json after -- is a value, not the flag', async () => {
    const r = await latheInProcess(['runs', 'list', '--', '--json'], dataDir);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^lathe runs list: unexpected argument '--json'/);
  });
});
