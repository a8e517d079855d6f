// node:util's parseArgs refuses a command line with errors worded for programmers ("Option '--resume <value>'
// argument missing", a three-line "argument is ambiguous … use '--prompt=-XYZ'"). These say the same in lathe's
// words, on one line: the flag, what it needs, and how to write it. One function for every ERR_PARSE_ARGS_* code
// node has (INVALID_OPTION_VALUE, UNKNOWN_OPTION, UNEXPECTED_POSITIONAL); anything else keeps node's message.
import type { CliCommand, OptionSpec } from './command.ts';

/** What the value of the flags most commands share is, and a value to show, for "--resume needs a run id, e.g. …". */
const VALUES: Record<string, { needs: string; example?: string }> = {
  resume: { needs: 'a run id', example: 'run_…' },
  run: { needs: 'a run id', example: 'run_…' },
  'reward-run': { needs: 'a run id', example: 'run_…' },
  'judge-against': { needs: 'a run id', example: 'run_…' },
  model: { needs: 'a model id or name' },
  judge: { needs: 'a model id or name' },
  'embed-model': { needs: 'a model id or name' },
  dataset: { needs: 'a dataset id or name' },
  'shots-from': { needs: 'a dataset id or name' },
  project: { needs: 'a project id or name' },
  collection: { needs: 'a collection id or name' },
  name: { needs: 'a name' },
  'output-name': { needs: 'a name' },
  threads: { needs: 'a number of CPU threads', example: '4' },
  tag: { needs: 'a tag' },
  'data-dir': { needs: 'a folder', example: 'DIR' },
};

/** A word the shell passes on as it is; anything else is shown in single quotes. */
const PLAIN_WORD = /^[\w.,:/=+@%-]+$/;

function shellWord(text: string): string {
  return PLAIN_WORD.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The long name of `-h` or `--help`, as the command's options know it; undefined for a flag it does not have. */
function longName(flag: string, options: OptionSpec): string | undefined {
  if (flag.startsWith('--')) {
    const name = flag.slice(2).split('=')[0];
    return name in options ? name : undefined;
  }
  const short = flag.slice(1, 2);
  return Object.entries(options).find(([, spec]) => spec.short === short)?.[0];
}

/**
 * What the command's usage shows after `--flag`: a placeholder (RUN, N, FILE) or a value (0.8,0.1,0.1), the first of
 * alternatives (test|validation → test); undefined when the usage shows the flag alone or not at all.
 */
function usageWord(flag: string, usage: string): string | undefined {
  const m = new RegExp(`--${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ =]([^\\s\\[\\]]+)`).exec(usage);
  const word = m?.[1].split('|')[0].replace(/[),.…]+$/, '');
  return word && !word.startsWith('-') ? word : undefined;
}

/**
 * A help line cut to what the value is: its first clause, without its asides in parentheses (defaults, details),
 * 100 characters at most: 'the PEFT adapter folder (adapter_config.json + …), from Lathe or elsewhere (with
 * --model)' → 'the PEFT adapter folder, from Lathe or elsewhere'.
 */
function brief(help: string): string | undefined {
  let text = help.split('; ')[0];
  for (let before = ''; before !== text;) {
    before = text;
    text = text.replace(/\s*\([^()]*\)/g, '');
  }
  text = text.trim();
  if (text.length > 100) text = `${text.slice(0, text.lastIndexOf(' ', 99))}…`;
  return text || undefined;
}

/** "--resume needs a run id, e.g. lathe train --resume run_…": what the flag takes, from VALUES or its help line. */
export function missingValueMessage(flag: string, command: CliCommand): string {
  const known = VALUES[flag];
  const help = command.help?.[flag] === undefined ? undefined : brief(command.help[flag]);
  const needs = known?.needs ?? (help ? `a value (${help})` : 'a value');
  const example = known?.example ?? usageWord(flag, command.usage) ?? 'VALUE';
  return `--${flag} needs ${needs}, e.g. lathe ${command.path.join(' ')} --${flag} ${example}`;
}

/**
 * parseArgs' error for `args` (as given to it) in lathe's words, or undefined for an error that is not one of its
 * ERR_PARSE_ARGS_* (the caller keeps the message). An unknown option's nearest flags are `guess`'s to find: one
 * ('Did you mean --rank?') or a few alike ('Did you mean --max-steps or --warmup-steps?').
 */
export function parseArgsMessage(err: unknown, args: readonly string[], command: CliCommand, options: OptionSpec, guess: (name: string) => readonly string[] | undefined): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /Unknown option '([^']*)'/.exec(message)?.[1] ?? '';
    if (flag.startsWith('--')) {
      const name = flag.slice(2);
      const near = guess(name)?.map((f) => `--${f}`);
      const choices = near?.length ? `${near.slice(0, -1).join(', ')}${near.length > 1 ? ' or ' : ''}${near[near.length - 1]}` : '';
      return `unknown option '--${name}'.${choices ? ` Did you mean ${choices}?` : ''}`;
    }
    // '-x', or the '-=' node reads in '-h=1': lathe's flags are long ones, -h alone short
    const positional = command.positionals ? ` An argument that starts with '-' goes after '--': lathe ${command.path.join(' ')} … -- ${shellWord(args.find((a) => a.startsWith(flag)) ?? flag)}` : '';
    return `unknown option '${flag}': lathe's options are written in full (--name), -h alone is short.${positional}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const word = /Unexpected argument '([^']*)'/.exec(message)?.[1];
    return `unexpected argument${word === undefined ? '' : ` '${word}'`}: the command takes options only.`;
  }
  if (code !== 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return undefined;
  // "Option '-h, --help' does not take an argument", "Option '--resume <value>' argument missing", "Option '-n' argument is ambiguous."
  const named = /^Option '(?:-\w, )?(--?[^' <]+)/.exec(message)?.[1];
  const flag = named === undefined ? undefined : longName(named, options);
  if (flag === undefined) return undefined;
  if (/does not take an argument/.test(message)) {
    const given = args.find((a) => a.startsWith(`--${flag}=`)) ?? `--${flag}=…`;
    return `--${flag} takes no value: write --${flag} alone, not ${shellWord(given)}.`;
  }
  if (/argument is ambiguous/.test(message)) {
    // the word after the flag starts with '-': a value meant so (--prompt -Once), or the next option (--tag --json)
    const at = args.findIndex((a, i) => (a === named || a === `--${flag}`) && args[i + 1]?.startsWith('-'));
    const value = at === -1 ? undefined : args[at + 1];
    if (value === undefined || longName(value, options) !== undefined) return missingValueMessage(flag, command);
    return `--${flag}'s value starts with '-': write it as ${shellWord(`--${flag}=${value}`)}`;
  }
  return missingValueMessage(flag, command); // "argument missing"
}
