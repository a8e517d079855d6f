// Start-up stays light: listing commands or reading the store must not load onnxruntime (its native binding and
// the ~200 engine modules behind it took most of a second on every command). Structural, not timed: the module
// trace (module-trace.mjs) lists what the real `lathe` process loaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What `lathe ARGS` loaded: every module URL or file path, and the native addons. */
function loadedBy(args: string[]): { modules: string[]; addons: string[] } {
  const trace = path.join(tmp, `trace-${args.join('-').replace(/\W+/g, '_')}.txt`);
  const r = spawnSync(process.execPath, ['--import', './tests/unit/module-trace.mjs', 'bin/lathe.mjs', ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, LATHE_MODULE_TRACE: trace, LATHE_DATA_DIR: path.join(tmp, 'data') },
  });
  expect(r.status, r.stderr).toBe(0);
  const lines = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  const of = (kind: string) => lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(kind.length + 1));
  const modules = [...of('esm'), ...of('cjs')];
  // the trace saw the CLI itself: an empty trace would pass every check below
  expect(modules.some((m) => m.endsWith('/native/cli.ts'))).toBe(true);
  return { modules, addons: of('addon') };
}

const ORT = /[/\\]onnxruntime-(node|common)[/\\]/;

describe('CLI start-up loads no engine it does not use', () => {
  it.each([['--help'], ['--version']])('lathe %s loads neither onnxruntime nor the Studio', (flag) => {
    const { modules, addons } = loadedBy([flag]);
    expect(modules.filter((m) => ORT.test(m))).toEqual([]);
    expect(addons).toEqual([]);
    // the engine's layers that sit on onnxruntime (pure metric and file helpers of eval/ and models/ may load)
    expect(modules.filter((m) => /\/native\/(studio|train|deploy|rag|generate|autograd)\/|\/native\/onnx\/index\.ts$/.test(m))).toEqual([]);
  });

  it('lathe runs list and dataset list open the store without onnxruntime', () => {
    for (const args of [['runs', 'list'], ['dataset', 'list']]) {
      const { modules, addons } = loadedBy(args);
      expect(modules.filter((m) => ORT.test(m)), args.join(' ')).toEqual([]);
      expect(addons.map((a) => path.basename(a)), args.join(' ')).toEqual(['better_sqlite3.node']);
      expect(modules.some((m) => m.endsWith('/native/studio/studio.ts')), args.join(' ')).toBe(true);
    }
  });
});
