// What tests of the CLI's signal handling share: what a piece of work writes to process.stderr (not echoed), and the
// acknowledgement a long foreground command gives at the first signal, before its work has stopped (cli/cancel.ts).
import { vi } from 'vitest';

export const ACKNOWLEDGED = { SIGINT: '\ncancelling… (Ctrl-C again to end at once)\n', SIGTERM: '\ncancelling…\n' } as const;

export async function stderrOf<T>(work: () => T | Promise<T>): Promise<{ result: T; written: string[] }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { result: await work(), written };
  } finally {
    spy.mockRestore();
  }
}
