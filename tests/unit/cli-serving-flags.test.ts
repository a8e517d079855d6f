// `lathe serve` and `lathe serve-api` share --port's parsing and the refusals of an address they cannot listen on:
// a port written other than in decimal digits is refused (Number() read '0x50' as port 80), and a host that does not
// resolve or is not this machine's is a user's error naming --host, not a bare 'getaddrinfo ENOTFOUND' (exit code 1).
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../native/cli/command.ts';
import { listenOn, portFlag } from '../../native/cli/serving.ts';

/** A plain HTTP server listening on host:port, as the studio's and the API's servers do; resolves once listening. */
function listen(host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function refusalOf(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('--port', () => {
  it('takes 0 to 65535 in decimal digits, and the default when absent', () => {
    expect([portFlag(undefined, 1234, 'u'), portFlag('0', 1, 'u'), portFlag('8080', 1, 'u'), portFlag('65535', 1, 'u')]).toEqual([1234, 0, 8080, 65535]);
  });

  it.each(['0x50', '1e3', ' 80', '80 ', '8080.0', '-1', '65536', '99999', '', 'http'])('refuses %j, quoting it', (raw) => {
    const hint = ['8080.0', '-1', '65536', '99999'].includes(raw) ? '' : ' (decimal digits only)'; // a number, but not a port
    expect(() => portFlag(raw, 0, 'lathe serve [--port N]')).toThrow(new UserError(`--port must be a whole number from 0 to 65535 (0 picks a free one); got '${raw}'${hint}.\nUsage: lathe serve [--port N]`));
  });
});

describe('an address the server cannot listen on', () => {
  it('a host name that does not resolve names --host and what to give', async () => {
    const err = await refusalOf(listenOn(0, () => listen('no-such-host.invalid', 0), 'no-such-host.invalid'));
    expect(err.message).toBe('--host no-such-host.invalid: no such host name or address. Give an address of this machine (127.0.0.1, the default, for this machine only; 0.0.0.0 for every network) or a name that resolves to one.');
    expect(err.exitCode).toBe(2);
  });

  it('an address this machine does not have names --host', async () => {
    // TEST-NET-1 (RFC 5737): documentation only, never a local interface's address
    const err = await refusalOf(listenOn(0, () => listen('192.0.2.1', 0), '192.0.2.1'));
    expect(err.message).toMatch(/^--host 192\.0\.2\.1 is not an address of this machine, so nothing can listen on it\. Give one of its own addresses/);
  });

  it('a port in use names --port, as before', async () => {
    const taken = await listen('127.0.0.1', 0);
    const port = (taken.address() as { port: number }).port;
    try {
      const err = await refusalOf(listenOn(port, () => listen('127.0.0.1', port)));
      expect(err.message).toBe(`port ${port} is already in use: pick another with --port, or --port 0 for any free one.`);
    } finally {
      taken.close();
    }
  });
});
