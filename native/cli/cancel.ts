// Ctrl-C (SIGINT) or SIGTERM during a long foreground command — `lathe dataset import`, `model import` (and
// import-llama2c, import-gguf), `eval`, `docs add`, `docs eval`, `export`, `merge`, `quantize` — aborts its work
// through one AbortSignal, so the work removes its temporary files and records nothing half-done, whichever signal
// came, and each command says at once that it heard ('cancelling… (Ctrl-C again to end at once)', or what it
// keeps). The command then exits as a shell reports a process that signal ended, 128 + its number: 130 for Ctrl-C,
// 143 for SIGTERM (every command said 130, the SIGINT code, for both). Foreground training (foreground.ts) stops
// after a step instead and is not here.

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
export type CancelSignal = keyof typeof SIGNAL_NUMBERS;

export interface Cancellation {
  /** Aborted at the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that cancelled the command, or null while none has. */
  readonly by: CancelSignal | null;
  /** 128 + the number of the signal that cancelled the command (130 for SIGINT, 143 for SIGTERM). */
  readonly exitCode: number;
  /** Stop listening; call it however the command ends. */
  release(): void;
}

/**
 * Listen for SIGINT and SIGTERM until released. Each listener is a `once`, as before: a second Ctrl-C falls to
 * SIGINT's default and ends the process at once. The first signal is acknowledged on stderr at once with `saying`
 * (and, for Ctrl-C, how to end at once), since the work stops only at its next tensor, row or example: a command
 * that said nothing looked as if it had not heard.
 */
export function cancelOnSignals(saying = 'cancelling…'): Cancellation {
  const controller = new AbortController();
  let by: CancelSignal | null = null;
  const listeners = Object.fromEntries(
    (Object.keys(SIGNAL_NUMBERS) as CancelSignal[]).map((name) => [
      name,
      () => {
        if (by !== null) return;
        by = name;
        process.stderr.write(`\n${saying}${name === 'SIGINT' ? ' (Ctrl-C again to end at once)' : ''}\n`);
        controller.abort();
      },
    ]),
  ) as Record<CancelSignal, () => void>;
  for (const [name, listener] of Object.entries(listeners)) process.once(name, listener);
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    get exitCode() {
      return 128 + SIGNAL_NUMBERS[by ?? 'SIGINT'];
    },
    release() {
      for (const [name, listener] of Object.entries(listeners)) process.off(name, listener);
    },
  };
}
