#!/usr/bin/env node
// Bundles the Electron shell with esbuild: dist-electron/main.cjs (main process) and dist-electron/preload.cjs
// (sandboxed preload, which may only require 'electron'). The engine is not bundled: main.cjs loads native/
// through tsx at run time (electron/engine.ts), and every npm dependency stays in node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const dependencies = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist-electron/main.cjs', external: ['electron', ...dependencies] }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist-electron/preload.cjs', external: ['electron'] }),
]);
console.log('electron: built dist-electron/main.cjs and dist-electron/preload.cjs');
