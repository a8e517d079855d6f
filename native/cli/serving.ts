// What `lathe serve` and `lathe serve-api` share: a port already taken is refused naming --port and what to do,
// and the server runs until Ctrl+C or SIGTERM.
import { UserError, type CliContext } from './command.ts';
import { integerFlagValue } from './options.ts';

/**
 * The shortest --token / --api-key accepted: every request may try one, so a short one is found by a script in minutes
 * (3 characters: some 200,000 tries). The generated ones are far longer.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * A server's secret from its flag, else from its environment variable: a flag is visible to every account on the
 * machine in the process list (`ps`), a variable is not. Either way it must be MIN_SECRET_LENGTH long.
 */
export function secretOf(flagValue: unknown, flag: string, envName: string, usage: string): string | undefined {
  const fromFlag = typeof flagValue === 'string';
  const secret = fromFlag ? flagValue : process.env[envName] || undefined;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new UserError(`${fromFlag ? `--${flag}` : envName} is too short: use at least ${MIN_SECRET_LENGTH} characters.\nUsage: ${usage}`);
  }
  return secret;
}

/** On an address other machines reach, the secret and every request cross the network unencrypted: say so. */
export function warnIfPlainHttpBeyondLoopback(ctx: CliContext, host: string, isLoopback: boolean): void {
  if (isLoopback) return;
  ctx.warn(`serving plain HTTP on ${host}: the key and every request cross the network unencrypted. Reach it through an SSH tunnel or a TLS proxy, or keep the default 127.0.0.1.`);
}

/**
 * --port as a whole number 0–65535 written in decimal digits, else `fallback`. Number() alone also took '0x50',
 * '1e3' and ' 80', so a typo or a hex value bound a port nobody asked for (0x50: port 80).
 */
export function portFlag(raw: unknown, fallback: number, usage: string): number {
  return raw === undefined ? fallback : integerFlagValue('port', raw, { min: 0, max: 65535, note: '0 picks a free one' }, usage);
}

/**
 * The server `start` starts on `host`:`port`. What the user can fix is refused as a UserError naming the flag: a
 * port another process holds or that needs privileges (--port), a host name that does not resolve or an address
 * this machine does not have (--host); these ended as a bare 'getaddrinfo ENOTFOUND' with the exit code of a bug.
 */
export async function listenOn<S>(port: number, start: () => Promise<S>, host = '127.0.0.1'): Promise<S> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} is already in use: pick another with --port, or --port 0 for any free one.`);
    if (code === 'EACCES') throw new UserError(`port ${port} needs privileges this user lacks: pick a port above 1023 with --port, or --port 0 for any free one.`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
      throw new UserError(`--host ${host}: no such host name or address. Give an address of this machine (127.0.0.1, the default, for this machine only; 0.0.0.0 for every network) or a name that resolves to one.`);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new UserError(`--host ${host} is not an address of this machine, so nothing can listen on it. Give one of its own addresses (127.0.0.1, the default, for this machine only; 0.0.0.0 for every network).`);
    }
    throw err;
  }
}

/** Serves until Ctrl+C or SIGTERM, then closes the server; the exit code is 0. */
export async function serveUntilStopped(ctx: CliContext, server: { close(): Promise<void> }): Promise<number> {
  // Listeners stay attached while stopping: Ctrl+C reaches every process of the terminal's group, so `npm start`
  // passes on a SIGINT this process has already had, and a second one must not kill it before its jobs stop.
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  ctx.info('stopping…');
  await server.close();
  return 0;
}
