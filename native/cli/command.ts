// The shape every `lathe` sub-command shares. Each command group lives in its own file under native/cli/
// and is listed once in native/cli/registry.ts.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CliContext {
  /** Data directory chosen by --data-dir, LATHE_DATA_DIR, or the default. */
  dataDir: string;
  /** --json: print machine-readable JSON only. */
  json: boolean;
  /** Print a result: JSON when --json, else the human rendering. */
  print(result: unknown, human?: () => string): void;
  /** Print a progress/status line to stderr (never to stdout, so --json output stays parseable). */
  info(line: string): void;
  /**
   * Print a warning to stderr as `warning: LINE`, with --json too (stdout stays the JSON answer). Every command
   * warns through this one, so warnings look alike and none is lost under --json.
   */
  warn(line: string): void;
  /** An engine's log line (a trainer's, an evaluation's, an import's): 'info' as `info`, 'warn' as `warn`. */
  log(level: 'info' | 'warn', line: string): void;
  /** The command being run, as typed to run it again: 'lathe train', 'lathe align dpo' (hints name it). */
  command?: string;
}

export interface CliCommand {
  /** Words that select the command, e.g. ['project', 'create']. */
  path: string[];
  /** One-line summary shown by `lathe help`. */
  summary: string;
  /** Usage line(s), e.g. 'lathe project create --name N --task T'. */
  usage: string;
  options?: OptionSpec;
  /** One line per option for `--help`: what it does and its default. Every option has one (a test checks). */
  help?: Record<string, string>;
  /**
   * Flags that name a model by id or name (or, where the command takes one, a Hugging Face folder): a value written
   * as a path that is not there is refused before the data directory is opened (file-errors.ts' requireModelPaths).
   * While the command runs, the models they name are marked in use (store/in-use.ts), so `lathe model delete` and
   * the studio's Delete, in any process, refuse to delete them under it; so is every model and collection it finds
   * in the store (as with marksInUse).
   */
  modelFlags?: readonly string[];
  /**
   * For a command with no model flag that works on a collection or a model it finds in the store (`lathe docs
   * search`, `docs eval`): what it finds (store/models.ts' and collections.ts' find) is marked in use until it ends, so
   * a delete in another process is refused. Left out by commands that only list, show or delete.
   */
  marksInUse?: boolean;
  /** Whether positional arguments are accepted (their meaning is in `usage`). */
  positionals?: boolean;
  run(args: { values: Record<string, unknown>; positionals: string[] }, ctx: CliContext): Promise<number | void>;
}

/** An error whose message is meant for the user as is (no stack trace). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
