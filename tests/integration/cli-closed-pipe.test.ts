// `lathe … | head`: a reader that stops reading early (head has its lines, the pager quit) must not turn the rest of
// the command's output into a stack trace and exit code 1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LATHE_BIN, ROOT, tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-closed-pipe');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Run lathe with its stdout pipe closed before it writes anything: every write fails with EPIPE. */
function latheIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('lathe writing into a closed pipe', () => {
  it('ends quietly with its own exit code instead of an EPIPE stack trace', async () => {
    const help = await latheIntoClosedPipe(['help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    const list = await latheIntoClosedPipe(['project', 'list']);
    expect(list.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(list.code).toBe(0);
  }, 60_000);
});
