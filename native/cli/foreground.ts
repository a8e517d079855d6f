// How the training commands (`lathe train`, `lathe pretrain`, `lathe align dpo|ppo|reward`) run a run in the
// foreground: metrics straight to the store, progress on stderr, Ctrl-C stops after the current step (the run
// checkpoints there), and the outcome printed, with exit code 130 when it was cancelled.
import { openStore } from '../store/db.ts';
import { currentOwner } from '../store/process-owner.ts';
import type { TrainEnv } from '../train/run-env.ts';
import { UserError, type CliContext, type OptionSpec } from './command.ts';
import { asFlagError, numberFlag, THREADS_RANGE } from './options.ts';
import { trainingProgressLine } from './figures.ts';

/**
 * A TrainEnv that writes metrics straight to the store and progress to stderr. `announce` is said once the run exists,
 * after its id (the project it is recorded in: RunProject.announce).
 */
export function foregroundEnv(ctx: CliContext, what: string, runtime: ResumeRuntime = {}, announce: () => void = () => {}): { env: TrainEnv; close(): void } {
  const store = openStore(ctx.dataDir);
  const controller = new AbortController();
  const onSigint = () => {
    ctx.info('stopping after this step (Ctrl-C again to kill)…');
    controller.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  // SIGTERM ends the process at once, as it always did (the next store open marks the run 'interrupted'), and first
  // says how to continue the run, as the outcome of a Ctrl-C does; bin/lathe.mjs passes a SIGTERM on to the trainer
  // it started and ends with the same signal.
  let runId: string | undefined;
  const onSigterm = () => {
    process.removeListener('SIGTERM', onSigterm);
    if (runId !== undefined) ctx.info(`stopped by SIGTERM: run ${runId} is interrupted; it continues from its last checkpoint\n${resumeHint(ctx, runId)}`);
    process.kill(process.pid, 'SIGTERM'); // SIGTERM's own ending, with no listener left
  };
  process.on('SIGTERM', onSigterm);
  let last = 0;
  const started = Date.now();
  const env: TrainEnv = {
    store,
    dataDir: ctx.dataDir,
    signal: controller.signal,
    log: ctx.log,
    progress: (fraction, message, eta, figures) => {
      const now = Date.now();
      if (now - last < 1000 && fraction < 1) return;
      last = now;
      // nothing left after the last step, whose report comes before its checkpoint
      ctx.info(trainingProgressLine(what, { message, figures, elapsedSeconds: (now - started) / 1000, etaSeconds: fraction < 1 ? eta : null }));
    },
    onRun: (id) => {
      runId = id;
      ctx.info(`run ${id}`);
      announce();
    },
    metric: (runId, step, name, value) => void store.runs.addMetric({ runId, step, name, value }),
    owner: currentOwner(), // no job owns a foreground run: if this process dies, the next store open ends it
    ...(runtime.threads !== undefined ? { threads: runtime.threads } : {}),
  };
  return {
    env,
    close: () => {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGTERM', onSigterm);
      store.close();
    },
  };
}

/**
 * `work` given a foreground env (progress reported as `what`), closed however it ends. The exit code is `work`'s;
 * an error goes on as it is, so that cli.ts' exitCodeOf answers as for every other command: 2 for what the user
 * can fix (an unknown dataset, a run that already finished, a full disk), 1 for a bug.
 */
export async function runInForeground(ctx: CliContext, what: string, work: (env: TrainEnv) => Promise<number>, runtime: ResumeRuntime = {}, announce?: () => void): Promise<number> {
  const { env, close } = foregroundEnv(ctx, what, runtime, announce);
  try {
    return await work(env);
  } finally {
    close();
  }
}

/**
 * The outcome printed (as JSON with --json), and the exit code: 130 when the run was cancelled, else 0. A cancelled
 * run checkpointed where it stopped, so its description ends with the command that continues it.
 */
export function printOutcome<T extends { status: string; runId: string }>(ctx: CliContext, outcome: T, describe: (o: T) => string): number {
  const resume = outcome.status === 'cancelled' && ctx.command ? `\n${resumeHint(ctx, outcome.runId)}` : '';
  ctx.print(outcome, () => describe(outcome) + resume);
  return outcome.status === 'cancelled' ? 130 : 0;
}

/** 'resume it with: lathe train --resume RUN': the line that ends a stopped run's outcome (Ctrl-C, SIGTERM). */
function resumeHint(ctx: CliContext, runId: string): string {
  return `resume it with: ${ctx.command ?? 'lathe train'} --resume ${runId}`;
}

/**
 * Refuses a start without `flags` (e.g. --model and --dataset), naming those missing first (a command given --model
 * alone was told to 'give --model and --dataset'), then all of them and --resume RUN, the other way in.
 */
export function requireStartFlags(values: Record<string, unknown>, flags: string[], usage: string): void {
  const missing = flags.filter((flag) => !values[flag]).map((flag) => `--${flag}`);
  if (missing.length === 0) return;
  const and = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
  const named = flags.map((flag) => `--${flag}`);
  const lead = missing.length === flags.length ? '' : `${and(missing)} ${missing.length === 1 ? 'is' : 'are'} missing: `;
  throw new UserError(`${lead}give ${and(named)} (or --resume RUN).\nUsage: ${usage}`);
}

/**
 * Flags that say how this process runs a run, not what the run computes: they may be given again beside --resume
 * (a busy machine wants fewer threads), and apply to that attempt only. Every other flag is one of the run's settings.
 */
export const RESUME_RUNTIME_FLAGS = ['threads'] as const;

/** The runtime settings given beside --resume (RESUME_RUNTIME_FLAGS), for that attempt's TrainEnv. */
export interface ResumeRuntime {
  threads?: number;
}

/** The help line of a runtime flag (RESUME_RUNTIME_FLAGS) of a resumable command, saying that --resume takes it too. */
export const THREADS_HELP = 'CPU threads (default: all cores); also with --resume, for that attempt (it sets the speed, not the run\'s settings)';

/**
 * `--resume RUN` continues a run with the settings it recorded: a start flag beside it (--max-steps, --lr,
 * --project …) would be silently ignored, so it is refused, naming the flags. `options` are the command's own flags:
 * all but --resume and the runtime ones (RESUME_RUNTIME_FLAGS, returned checked) are read only by a new run (the
 * global ones such as --json are not among them). Without --resume: nothing refused, nothing returned (a new run
 * reads --threads as one of its settings).
 */
export function refuseStartFlagsOnResume(values: Record<string, unknown>, options: OptionSpec, usage: string): ResumeRuntime {
  if (!values.resume) return {};
  const runtime = (RESUME_RUNTIME_FLAGS as readonly string[]);
  const given = Object.keys(options).filter((flag) => flag !== 'resume' && !runtime.includes(flag) && values[flag] !== undefined).map((flag) => `--${flag}`);
  if (given.length === 0) return resumeRuntime(values, usage);
  const named = given.length === 1 ? given[0] : `${given.slice(0, -1).join(', ')} and ${given.at(-1)}`;
  throw new UserError(`--resume continues the run with its own recorded settings, so ${named} would be ignored; `
    + `drop ${given.length === 1 ? 'it' : 'them'}, or start a new run with ${given.length === 1 ? 'it' : 'them'}.\nUsage: ${usage}`);
}

/** --threads beside --resume: a whole number 1–256, as a new run's --threads (TrainInput's threads). */
function resumeRuntime(values: Record<string, unknown>, usage: string): ResumeRuntime {
  const threads = numberFlag(values, 'threads', usage, THREADS_RANGE);
  return threads === undefined ? {} : { threads };
}

/**
 * The lines of a run's description that say where the model it wrote went ('' for what it did not write: filter them
 * out), each with the command that goes on from it: an adapter written alone (--no-merge) ended the run with its path
 * and no word of how to use it.
 */
export function writtenModelLines(o: { runId?: string; adapterPath: string | null; outputModel: string | null }): string[] {
  return [
    o.adapterPath ? `adapter (PEFT): ${o.adapterPath}` : '',
    o.adapterPath && !o.outputModel && o.runId ? `merge it into a model with: lathe merge --run ${o.runId} --name NAME` : '',
    o.outputModel ? `model: ${o.outputModel} (lathe generate --model ${o.outputModel})` : '',
  ];
}

/** How a command starts a run from its flags or resumes one, and how it describes the outcome. */
export interface StartOrResume<I, O extends { status: string; runId: string }> {
  /** The flags checked as the run's input; throws a UserError naming the flag. */
  inputOf(values: Record<string, unknown>): I;
  start(input: I, env: TrainEnv): Promise<O>;
  resume(runId: string, env: TrainEnv): Promise<O>;
  describe(outcome: O): string;
  /** How the command's user leaves out rows the trainer would refuse (its flag), for the refusal's advice (TrainEnv.skipAdvice). */
  skipAdvice?: string;
  /** The field each flag fills and the usage: the engine's refusal of a field is reported under its flag (asFlagError). */
  flags?: { fieldOfFlag: Record<string, string>; usage: string };
}

/**
 * `--resume RUN` continues that run, else a run starts from the flags, which are checked before the store is opened.
 * `announce` is said once the run exists (the project it is recorded in: RunProject.announce).
 */
export async function startOrResume<I, O extends { status: string; runId: string }>(ctx: CliContext, values: Record<string, unknown>, what: string, run: StartOrResume<I, O>, runtime: ResumeRuntime = {}, announce?: () => void): Promise<number> {
  const input = values.resume ? null : run.inputOf(values);
  return runInForeground(ctx, what, async (foreground) => {
    const env = run.skipAdvice ? { ...foreground, skipAdvice: run.skipAdvice } : foreground;
    const start = (i: I) => run.start(i, env).catch((err: unknown) => {
      throw run.flags ? asFlagError(err, run.flags.fieldOfFlag, run.flags.usage) : err;
    });
    return printOutcome(ctx, input === null ? await run.resume(String(values.resume), env) : await start(input), run.describe);
  }, runtime, announce);
}
