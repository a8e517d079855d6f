// `node --import ./tests/unit/module-trace.mjs …`: records what the process loads into the file named by
// $LATHE_MODULE_TRACE, one line each: `esm URL` (every module through the ESM loader, TypeScript included),
// `cjs PATH` (require's cache at exit: CommonJS packages and what they require) and `addon PATH` (native bindings
// opened with process.dlopen). For start-up tests: which modules a command pulls in, not how long it takes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.LATHE_MODULE_TRACE;
if (out) {
  writeFileSync(out, '');
  // The load hook runs on the loader thread, so it writes the file itself (synchronously: no message to lose at exit).
  const hook = `import { appendFileSync } from 'node:fs';
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  const result = await next(url, context);
  appendFileSync(out, 'esm ' + url + '\\n');
  return result;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { out } });
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    appendFileSync(out, `addon ${filename}\n`);
    return dlopen.call(this, module, filename, ...rest);
  };
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, Object.keys(require.cache).map((f) => `cjs ${f}\n`).join('')));
}
