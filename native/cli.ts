// The `lathe` command line: global flags, dispatch to the command groups in native/cli/, and error reporting.
import { parseArgs } from 'node:util';
import { StudioError } from './api/errors.ts';
import { defaultDataDir } from './paths.ts';
import { UserError, type CliCommand, type CliContext } from './cli/command.ts';
import { loadCommands } from './cli/registry.ts';
import { parseArgsMessage } from './cli/parse-errors.ts';
import { closest } from './cli/suggest.ts';
import { fold, foldUsage, foldUsageForm, terminalWidth } from './cli/wrap.ts';
import { StoreOpenError, onStoreNotice } from './store/db.ts';
import { beginCommandUse } from './store/in-use.ts';
import { diskFullError, isDiskFull } from './store/disk-full.ts';
import { errorMessage, requireModelPaths, USER_FILE_ERRORS } from './cli/file-errors.ts';

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

/**
 * `lathe help` lists the commands in the lifecycle's order, under these headings; a command is placed by its whole
 * path or else its first word (every command has a place: a test checks).
 */
export const HELP_SECTIONS: readonly { title: string; commands: readonly string[] }[] = [
  { title: 'Scope', commands: ['project'] },
  { title: 'Data', commands: ['dataset'] },
  { title: 'Select a model', commands: ['model', 'generate'] },
  { title: 'Adapt & align', commands: ['train', 'pretrain', 'align', 'reward', 'eval', 'project scorecard', 'metrics'] },
  { title: 'Integrate', commands: ['merge', 'quantize', 'export', 'serve-api', 'api-log'] },
  { title: 'Documents (retrieval)', commands: ['docs', 'ask'] },
  { title: 'Runs and jobs', commands: ['runs', 'jobs'] },
  { title: 'The studio', commands: ['serve', 'version', 'paths'] },
];

/** Where `command` is listed: its heading (HELP_SECTIONS) and its rank there, or undefined for a command placed nowhere. */
function helpPlace(command: CliCommand): { title: string; rank: number } | undefined {
  const whole = command.path.join(' ');
  for (const key of [whole, command.path[0]]) {
    const section = HELP_SECTIONS.find((s) => s.commands.includes(key));
    if (section) return { title: section.title, rank: section.commands.indexOf(key) };
  }
  return undefined;
}

/** The heading `command` is listed under in `lathe help`, or undefined for a command placed nowhere. */
export function helpSectionOf(command: CliCommand): string | undefined {
  return helpPlace(command)?.title;
}

/** A command's row in a list of commands: its words padded to `width`, its summary folded under its column. */
function commandRow(c: CliCommand, width: number, columns: number | undefined): string {
  return fold(`  ${c.path.join(' ').padEnd(width)}  `, c.summary, width + 4, columns);
}

/** `lathe help`; `columns`: the terminal's width to fold long lines to (none: one line per command). */
function helpText(commands: CliCommand[], columns?: number): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const line = (c: CliCommand) => commandRow(c, width, columns);
  const sections = [...HELP_SECTIONS.map((s) => s.title), undefined].flatMap((title) => {
    // in the section's order (sort is stable: a group's commands keep their own order)
    const listed = commands.filter((c) => helpSectionOf(c) === title).sort((a, b) => (helpPlace(a)?.rank ?? 0) - (helpPlace(b)?.rank ?? 0));
    return listed.length ? ['', `${title ?? 'Other'}:`, ...listed.map(line)] : [];
  });
  return [
    'Usage: lathe [--data-dir DIR] [--json] <command> [options]',
    ...sections,
    '',
    'Global options:',
    ...Object.entries(GLOBAL_HELP).map(([flag, text]) => `  --${flag.padEnd(8)}  ${text}`),
    '',
    "Run 'lathe help COMMAND' (or 'lathe COMMAND --help') for a command's options and their defaults.",
  ].join('\n');
}

/** `lathe model`: the commands of a group (model, runs, dataset …), or undefined when `word` names no group. */
export function groupHelp(commands: CliCommand[], word: string, columns?: number): string | undefined {
  const group = commands.filter((c) => c.path.length > 1 && c.path[0] === word);
  if (group.length === 0) return undefined;
  const width = Math.max(...group.map((c) => c.path.join(' ').length));
  return [
    `Usage: lathe ${word} <command> [options]`,
    '',
    'Commands:',
    ...group.map((c) => commandRow(c, width, columns)),
    '',
    `Run 'lathe ${word} COMMAND --help' for a command's options and their defaults.`,
  ].join('\n');
}

const GLOBAL_HELP: Record<string, string> = {
  'data-dir': 'data directory (default: $LATHE_DATA_DIR or the per-user Lathe folder)',
  json: 'print machine-readable JSON',
  help: 'show this help',
};

/**
 * `lathe COMMAND --help`: the summary, the usage, then each option on one line with what it does and its default.
 * `columns`: a terminal's width, to fold long lines to (a description under its column, a usage form under its words).
 */
export function commandHelp(command: CliCommand, columns?: number): string {
  const rows = (options: Record<string, { type: string }>, help: Record<string, string>) =>
    Object.entries(options).map(([name, spec]) => [`--${name}${spec.type === 'string' ? ' VALUE' : ''}`, help[name] ?? ''] as const);
  const own = rows(command.options ?? {}, command.help ?? {});
  const global = rows(GLOBAL_FLAGS, GLOBAL_HELP);
  const width = Math.max(...[...own, ...global].map(([flag]) => flag.length));
  const format = (list: readonly (readonly [string, string])[]) => list.map(([flag, text]) => fold(`  ${flag.padEnd(width)}  `, text, width + 4, columns));
  return [
    fold('', command.summary, 0, columns), '', ...`Usage: ${command.usage}`.split('\n').map((form) => foldUsageForm(form, columns)),
    ...(own.length ? ['', 'Options:', ...format(own)] : []),
    '', 'Global options:', ...format(global),
  ].join('\n');
}

/** "unknown command 'trian'" with the nearest command or group, for `lathe trian` and `lathe help trian`. */
function unknownCommand(commands: CliCommand[], words: string[]): string {
  // Only the words a command could be named by: a group's subcommand at most, never the arguments after it.
  const depth = commands.some((c) => c.path.length > 1 && c.path[0] === words[0]) ? 2 : 1;
  const named = words.slice(0, depth).join(' ');
  const longest = Math.max(...commands.map((c) => c.path.length));
  const groups = new Set(commands.filter((c) => c.path.length > 1).map((c) => c.path[0]));
  const guess = closest(words.slice(0, longest).join(' '), [...commands.map((c) => c.path.join(' ')), ...groups]);
  return `unknown command '${named}'.${guess ? ` Did you mean 'lathe ${guess}'?` : ''} Run 'lathe help' for the list of commands.`;
}

/**
 * Whether `--json` is among the arguments (before a `--`, after which words are values): the command line's own
 * refusals (an unknown option, a value left out) then answer as a command's errors do under --json.
 */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * How every error reaches the user, exit code aside: `who: message` on stderr ('lathe train: --epochs needs …'), or
 * with --json the error object on stdout, which is then the whole answer (a second copy on stderr would be noise).
 */
function reportError(json: boolean, who: string, message: string): void {
  if (json) console.log(JSON.stringify({ error: message }, null, 2));
  else console.error(foldUsage(`${who}: ${message}`, terminalWidth(process.stderr)));
}

/** How every warning of every command begins (CliContext.warn). */
export const WARNING_PREFIX = 'warning: ';

const DATA_DIR_NEEDS_A_FOLDER = "--data-dir needs a folder: give one (--data-dir DIR), or leave the flag out for $LATHE_DATA_DIR or the per-user Lathe folder.";

/** The options `command` has nearest to an unknown `--name` (a typo, or another tool's name for it), if any. */
function flagGuess(name: string, command: CliCommand): readonly string[] | undefined {
  const flags = Object.keys({ ...GLOBAL_FLAGS, ...(command.options ?? {}) });
  const typo = closest(name, flags);
  return typo === undefined ? flagsWithWords(name, flags) : [typo];
}

/** More flags holding `word` than this, and naming them would be a list, not a guess. */
const MAX_FLAG_GUESSES = 3;

/**
 * The flags holding every word of `word` (--max-tokens → --max-new-tokens; --steps → --max-steps, or in `lathe
 * train` --max-steps or --warmup-steps, as `lathe pretrain --steps` leads people to write it): names other tools
 * use, too far from ours in letters to count as a typo. None, or too many to help: undefined.
 */
function flagsWithWords(word: string, flags: readonly string[]): readonly string[] | undefined {
  const words = word.split('-').filter(Boolean);
  const holding = flags.filter((flag) => words.every((w) => flag.split('-').includes(w)));
  return holding.length > 0 && holding.length <= MAX_FLAG_GUESSES ? holding : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  const json = wantsJson(argv);
  /** A refusal of the command line itself (exit code 2), worded as `who` says it; JSON under --json. */
  const refuse = (who: string, message: string): number => {
    reportError(json, who, message);
    return 2;
  };
  // Global flags may come before the command words (`lathe --json project list`): move them after.
  const globals: string[] = [];
  const others: string[] = [];
  // The word a spaced `--data-dir` took as its folder, to spot `lathe --data-dir project list` (no folder given).
  let dataDirWord: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json' || a === '--help' || a === '-h' || a.startsWith('--data-dir=')) globals.push(a);
    else if (a === '--version' || a === '-v') {
      // what other tools answer to it: `lathe version`, not the whole help and exit 1
      others.push('version', ...argv.slice(i + 1));
      break;
    } else if (a === '--data-dir') {
      dataDirWord = argv[++i];
      if (dataDirWord === undefined || dataDirWord.startsWith('-')) return refuse('lathe', DATA_DIR_NEEDS_A_FOLDER);
      globals.push(a, dataDirWord);
    } else {
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
  if (words[0] === 'help' && words.length > 1) {
    // `lathe help train` is `lathe train --help`
    const topic = findCommand(commands, words.slice(1));
    if (topic) return main([...topic.command.path, '--help']);
    const group = words.length === 2 ? groupHelp(commands, words[1], terminalWidth(process.stdout)) : undefined;
    if (group) {
      console.log(group);
      return 0;
    }
    if (words[1] !== 'help') return refuse('lathe', unknownCommand(commands, words.slice(1)));
  }
  const found = findCommand(commands, words);
  if (!found) {
    if (words.length === 0 || words[0] === 'help') {
      console.log(helpText(commands, terminalWidth(process.stdout)));
      return words.length === 0 && !argv.includes('--help') && !argv.includes('-h') ? 1 : 0;
    }
    // A group's name alone (`lathe model`, `lathe runs --help`): its commands, not "unknown command".
    const asked = argv.includes('--help') || argv.includes('-h');
    const group = words.length === 1 ? groupHelp(commands, words[0], terminalWidth(asked ? process.stdout : process.stderr)) : undefined;
    if (group) {
      if (asked) {
        console.log(group);
        return 0;
      }
      return refuse(`lathe ${words[0]}`, `give one of its commands.\n${group}`);
    }
    // `lathe --data-dir project list`: the folder was left out and the command's first word taken for it.
    const misread = dataDirWord === undefined ? undefined : findCommand(commands, [dataDirWord, ...words]);
    if (misread) return refuse('lathe', `unknown command '${words[0]}': --data-dir took '${dataDirWord}' as its folder. Did you mean 'lathe --data-dir DIR ${misread.command.path.join(' ')}'?`);
    return refuse('lathe', unknownCommand(commands, words));
  }
  const { command } = found;
  const who = `lathe ${command.path.join(' ')}`;
  // The global flags moved from the front go before the command's own, not after them: after, they would become
  // the value of a last flag the user left without one ('--tag --data-dir' reads as an ambiguous '--tag').
  const rest = joinNegativeValues([...globals, ...others.slice(command.path.length)], command.options);
  const options = { ...GLOBAL_FLAGS, ...(command.options ?? {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = parseArgsMessage(err, rest, command, options, (name) => flagGuess(name, command)) ?? (err as Error).message;
    return refuse(who, `${message}\nUsage: ${command.usage}`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(commandHelp(command, terminalWidth(process.stdout)));
    return 0;
  }
  if (!command.positionals && parsed.positionals.length > 0) return refuse(who, `unexpected argument '${parsed.positionals[0]}'.\nUsage: ${command.usage}`);
  // `--data-dir=` or `--data-dir ""`: an empty path would put lathe.db in the current folder
  if (values['data-dir'] === '') return refuse(who, DATA_DIR_NEEDS_A_FOLDER);
  const info = (line: string) => {
    if (!json) console.error(line);
  };
  const warn = (line: string) => console.error(`${WARNING_PREFIX}${line}`);
  const ctx: CliContext = {
    // an empty LATHE_DATA_DIR (`LATHE_DATA_DIR= lathe …`) is unset, not the current folder
    dataDir: (values['data-dir'] as string | undefined) ?? (process.env.LATHE_DATA_DIR || defaultDataDir()),
    json,
    command: who,
    print(result, human) {
      if (json || !human) console.log(JSON.stringify(result, null, json ? 2 : 0));
      else console.log(human());
    },
    info,
    warn,
    log: (level, line) => (level === 'warn' ? warn(line) : info(line)),
  };
  // Opening the store may create a data directory (a mistyped --data-dir, say): tell the user on stderr.
  const stopNotice = onStoreNotice((line) => console.error(`lathe: ${line}`));
  try {
    requireModelPaths(command.modelFlags, values, ctx.dataDir); // before anything opens or creates the data directory
    // the models its flags name, and every model and collection it then finds in the store, are in use until it ends,
    // so `lathe model delete` and `lathe docs delete` elsewhere refuse (store/in-use.ts)
    const named = (command.modelFlags ?? []).map((flag) => values[flag]).filter((v): v is string => typeof v === 'string');
    const inUse = command.modelFlags || command.marksInUse ? beginCommandUse(ctx.dataDir, `'${who}'`, { models: named }) : null;
    try {
      const code = await command.run({ values, positionals: parsed.positionals }, ctx);
      return typeof code === 'number' ? code : 0;
    } finally {
      inUse?.release();
    }
  } catch (err) {
    // a full disk that no inner layer described: at least say so, where, and what to do
    const e = diskFullError(err, 'the command', `into ${ctx.dataDir}`);
    const code = exitCodeOf(e);
    const message = code === 2 ? errorMessage(e) : `${e.message}${process.env.LATHE_DEBUG ? `\n${e.stack}` : ''}`;
    reportError(json, who, message);
    return code;
  } finally {
    stopNotice();
  }
}
