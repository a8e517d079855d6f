// A command's `Usage:` line and its option list agree: `lathe align dpo --help` listed --name, --eval-batches,
// --warmup-steps and --weight-decay under Options while its hand-written usage line left them out, so the line
// people copy from hid flags the command takes. Every flag of every command is in its usage line now, or the line
// says [options].
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../../native/cli/registry.ts';

/** The flags of `command` its usage line leaves out (none when the line says [options]). */
function missingFromUsage(command: { usage: string; options?: Record<string, unknown> }): string[] {
  if (command.usage.includes('[options]')) return [];
  return Object.keys(command.options ?? {}).filter((flag) => !new RegExp(`--${flag}(?![\\w-])`).test(command.usage));
}

describe('usage lines', () => {
  it('name every flag the command takes', async () => {
    const missing = (await loadCommands()).flatMap((c) => missingFromUsage(c).map((flag) => `${c.path.join(' ')}: --${flag}`));
    expect(missing).toEqual([]);
  });

  it('the check sees a flag a usage line leaves out, and not a longer flag that begins with its name', () => {
    expect(missingFromUsage({ usage: 'lathe x [--eval-every K]', options: { eval: {}, 'eval-every': {} } })).toEqual(['eval']);
    expect(missingFromUsage({ usage: 'lathe x [options]', options: { eval: {} } })).toEqual([]);
  });
});
