// A command left without a required flag names the ones missing, not every required one: `lathe generate --model
// s260k` said '--model and --prompt are required.' of the --model it had, and `lathe ask` said the same of all three.
import { describe, expect, it } from 'vitest';
import { requireFlags } from '../../native/cli/options.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { scratchDataDir } from '../fixtures/scratch-data-dir.ts';

const scratch = scratchDataDir('required-flags', 'all');

describe('required flags', () => {
  it.each([
    [['generate', '--model', 's260k'], 'lathe generate: --prompt is required.\nUsage: lathe generate '],
    [['generate', '--prompt', 'hi'], 'lathe generate: --model is required.\nUsage: lathe generate '],
    [['generate'], 'lathe generate: --model and --prompt are required.\nUsage: lathe generate '],
    [['ask', '--model', 's260k', '--collection', 'manuals'], 'lathe ask: one question (quoted) is required.\nUsage: lathe ask '],
    [['ask', '--collection', 'manuals', 'How do I reset it?'], 'lathe ask: --model is required.\nUsage: lathe ask '],
    [['ask'], 'lathe ask: --model, --collection and one question (quoted) are required.\nUsage: lathe ask '],
  ])('lathe %j names what is missing', async (args, said) => {
    const r = await inProcessLathe(scratch.data, args);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(said), r.stderr).toBe(true);
  });

  it("counts '' as missing except where the command allows it (generate's --prompt '': from nothing)", () => {
    expect(() => requireFlags({ model: '', prompt: '' }, ['model', 'prompt'], 'lathe x', { emptyAllowed: ['prompt'] })).toThrow(/^--model is required\.\nUsage: lathe x$/);
    expect(() => requireFlags({ model: 'm', prompt: '' }, ['model', 'prompt'], 'lathe x', { emptyAllowed: ['prompt'] })).not.toThrow();
  });
});
