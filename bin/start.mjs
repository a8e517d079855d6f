#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed (building the renderer and the shell first
// when their sources changed), otherwise the headless studio (`lathe serve`), which prints its URL.
// Arguments after `npm start --` go to the app or to `lathe serve` (e.g. --data-dir DIR, --port N).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The Electron executable's path, or why there is none. */
function findElectron() {
  try {
    const binary = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary };
    return { reason: `the electron package points at ${binary}, which does not exist` };
  } catch (err) {
    return { reason: err.code === 'MODULE_NOT_FOUND' ? 'the electron package is not installed' : err.message };
  }
}

/** Newest modification time of any file under these paths (0 when none exist). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach((p) => visit(path.join(root, p)));
  return newest;
}

function isStale(output, sources) {
  const out = path.join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newestMtime(sources);
}

function run(label, command, commandArgs) {
  console.log(`lathe: ${label}…`);
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`lathe: ${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

/** Runs a child in the foreground: Ctrl+C and termination reach it, and its exit code becomes ours. */
function foreground(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = findElectron();
if (electron.binary) {
  if (isStale('dist/renderer/index.html', ['renderer', 'native/api', 'vite.config.ts'])) run('building the renderer', 'npx', ['vite', 'build', '--logLevel', 'error']);
  if (isStale('dist-electron/main.cjs', ['electron', 'native/api'])) run('building the Electron shell', process.execPath, ['electron/build.mjs']);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set by some tools; it would make the binary behave as plain Node
  foreground(electron.binary, ['.', ...args], env);
} else {
  console.log(`lathe: the Electron binary is not installed (${electron.reason}); run \`npm install electron\` with network access to get the desktop app. Starting the headless studio instead.`);
  if (isStale('dist/renderer/index.html', ['renderer', 'native/api', 'vite.config.ts'])) run('building the renderer', 'npx', ['vite', 'build', '--logLevel', 'error']);
  foreground(process.execPath, [path.join(root, 'bin', 'lathe.mjs'), 'serve', ...args]);
}
