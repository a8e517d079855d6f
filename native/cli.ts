// The `lathe` command line: global flags, dispatch to the command groups in native/cli/, and error reporting.
import { parseArgs } from 'node:util';
import { defaultDataDir } from './paths.ts';
import { UserError, type CliCommand, type CliContext } from './cli/command.ts';
import { loadCommands } from './cli/registry.ts';
import { StoreOpenError, onStoreNotice } from './store/db.ts';

const GLOBAL_FLAGS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function findCommand(commands: CliCommand[], words: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: { command: CliCommand; rest: string[] } | undefined;
  for (const command of commands) {
    const n = command.path.length;
    if (words.length >= n && command.path.every((w, i) => words[i] === w) && (!best || n > best.command.path.length)) {
      best = { command, rest: words.slice(n) };
    }
  }
  return best;
}

function helpText(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'Usage: lathe [--data-dir DIR] [--json] <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    '  --data-dir DIR  data directory (default: $LATHE_DATA_DIR or the per-user Lathe folder)',
    '  --json          print machine-readable JSON',
    '  --help          show help for a command',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  // Global flags may come before the command words (`lathe --json project list`): move them after.
  const globals: string[] = [];
  const others: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--help' || a === '-h' || a.startsWith('--data-dir=')) globals.push(a);
    else if (a === '--data-dir') globals.push(a, argv[++i] ?? '');
    else {
      others.push(...argv.slice(i));
      break;
    }
  }
  argv = [...others, ...globals];
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  const found = findCommand(commands, words);
  if (!found) {
    if (words.length === 0 || words[0] === 'help') {
      console.log(helpText(commands));
      return words.length === 0 && !argv.includes('--help') && !argv.includes('-h') ? 1 : 0;
    }
    console.error(`lathe: unknown command '${words.join(' ')}'. Run 'lathe help' for the list of commands.`);
    return 2;
  }
  const { command } = found;
  const rest = argv.slice(command.path.length);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_FLAGS, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`lathe ${command.path.join(' ')}: ${(err as Error).message}\nUsage: ${command.usage}`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  if (!command.positionals && parsed.positionals.length > 0) {
    console.error(`lathe ${command.path.join(' ')}: unexpected argument '${parsed.positionals[0]}'.\nUsage: ${command.usage}`);
    return 2;
  }
  const json = Boolean(values.json);
  const ctx: CliContext = {
    dataDir: (values['data-dir'] as string | undefined) ?? process.env.LATHE_DATA_DIR ?? defaultDataDir(),
    json,
    print(result, human) {
      if (json || !human) console.log(JSON.stringify(result, null, json ? 2 : 0));
      else console.log(human());
    },
    info(line) {
      if (!json) console.error(line);
    },
  };
  // Opening the store may create a data directory (a mistyped --data-dir, say): tell the user on stderr.
  const stopNotice = onStoreNotice((line) => console.error(`lathe: ${line}`));
  try {
    const code = await command.run({ values, positionals: parsed.positionals }, ctx);
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    const e = err as Error;
    // A store that cannot be opened (damaged lathe.db, unwritable folder) is the user's to fix: message, no stack.
    const forUser = e instanceof UserError || e instanceof StoreOpenError;
    const message = forUser ? e.message : `${e.message}${process.env.LATHE_DEBUG ? `\n${e.stack}` : ''}`;
    if (json) console.log(JSON.stringify({ error: message }, null, 2));
    console.error(`lathe ${command.path.join(' ')}: ${message}`);
    return forUser ? e.exitCode : 1;
  } finally {
    stopNotice();
  }
}
