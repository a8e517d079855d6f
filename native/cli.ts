// The `lathe` command line: global flags, dispatch to the command groups in native/cli/, and error reporting.
import { parseArgs } from 'node:util';
import { StudioError } from './api/errors.ts';
import { defaultDataDir } from './paths.ts';
import { UserError, type CliCommand, type CliContext } from './cli/command.ts';
import { loadCommands } from './cli/registry.ts';
import { StoreOpenError, onStoreNotice } from './store/db.ts';
import { diskFullError, isDiskFull } from './disk-full.ts';

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

/** `-5`, `-0.5`, `-1e3`: a value, not a short flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--memory-mb -5` → `--memory-mb=-5` for flags that take a value, so node's parser reads a negative number as
 * the value (it would call it ambiguous) and the command's own check can refuse it with a message about the flag.
 */
export function joinNegativeValues(args: readonly string[], options: CliCommand['options']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name !== undefined && options?.[name]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Files the user named that are missing or unreadable: their input, not our failure. */
const USER_FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM']);

/**
 * 2 for anything the user can fix (a UserError; a store that cannot be opened; a StudioError other than
 * 'internal'; a RangeError from an argument check; a file that is not there; a plain Error), 1 only for
 * internal failures (bugs: TypeError, ReferenceError …; StudioError 'internal').
 * Mapped here once, so every command, including those that call the engine directly (train, pretrain,
 * tokenizer loading), answers the same way.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UserError || err instanceof StoreOpenError) return err.exitCode;
  if (isDiskFull(err)) return 2; // the user frees space; not a bug
  if (err instanceof StudioError) return err.code === 'internal' ? 1 : 2;
  if (err instanceof RangeError) return 2;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && USER_FILE_ERRORS.has(code)) return 2;
  // The engine explains bad input (a truncated tokenizer file, a dataset too small to train on) with a plain
  // Error and a message for people; bugs surface as TypeError, ReferenceError and the like, which stay 1.
  if (err instanceof Error && Object.getPrototypeOf(err) === Error.prototype) return 2;
  return 1;
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
  const rest = joinNegativeValues(argv.slice(command.path.length), command.options);
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
    // a full disk that no inner layer described: at least say so, where, and what to do
    const e = diskFullError(err, 'the command', `into ${ctx.dataDir}`);
    const code = exitCodeOf(e);
    const message = code === 2 ? e.message : `${e.message}${process.env.LATHE_DEBUG ? `\n${e.stack}` : ''}`;
    // --json: the error object on stdout is the whole answer; a second copy on stderr would only be noise.
    if (json) console.log(JSON.stringify({ error: message }, null, 2));
    else console.error(`lathe ${command.path.join(' ')}: ${message}`);
    return code;
  } finally {
    stopNotice();
  }
}
