// Run one Studio API method from the CLI against the data directory, turning API errors into UserErrors
// (a message for the user, no stack trace). The CLI leaves a live studio's jobs and files alone (Studio's `recover`).
// The Studio module is imported when a command first opens one, not when this file loads: every command file imports
// this one, and `lathe --help` (or any command that never opens a studio) should not load the engine behind it.
import type { MethodName, Params, Result } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import type { Studio } from '../studio/studio.ts';
import { UserError, type CliContext } from './command.ts';

export async function openCliStudio(ctx: CliContext): Promise<Studio> {
  const { Studio } = await import('../studio/studio.ts');
  return new Studio({ dataDir: ctx.dataDir, mode: 'cli', recover: false });
}

export async function callStudio<M extends MethodName>(ctx: CliContext, method: M, params: Params<M>): Promise<Result<M>> {
  const studio = await openCliStudio(ctx);
  try {
    return await studio.call(method, params);
  } catch (err) {
    throw asUserError(err);
  } finally {
    await studio.close();
  }
}

export function asUserError(err: unknown): Error {
  if (err instanceof StudioError) return new UserError(err.message, err.code === 'internal' ? 1 : 2);
  return err as Error;
}
