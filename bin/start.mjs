#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed (building the renderer and the shell first
// when their sources changed), otherwise the headless studio (`lathe serve`), which prints its URL.
// Arguments after `npm start --` go to the app or to `lathe serve` (e.g. --data-dir DIR, --port N).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { electronMissingMessage, findElectron, ROOT as root } from './electron-status.mjs';

const args = process.argv.slice(2);

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

/**
 * Runs a child in the foreground: Ctrl+C and termination reach it, and its exit code becomes ours. npm runs this
 * script through `sh -c`, and a SIGTERM to npm reaches only that shell, which dies without passing it on; so losing
 * our parent counts as a SIGTERM too, and nothing started here outlives `npm start`.
 */
function foreground(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const stop = (signal) => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    stop('SIGTERM');
  }, 250);
  child.on('exit', (code, signal) => {
    clearInterval(watch);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

const electron = findElectron();
if (electron.binary) {
  if (isStale('dist/renderer/index.html', ['renderer', 'native/api', 'vite.config.ts'])) run('building the renderer', 'npx', ['vite', 'build', '--logLevel', 'error']);
  if (isStale('dist-electron/main.cjs', ['electron', 'native/api'])) run('building the Electron shell', process.execPath, ['electron/build.mjs']);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set by some tools; it would make the binary behave as plain Node
  foreground(electron.binary, ['.', ...args], env);
} else {
  console.log(electronMissingMessage(electron.reason, 'Starting the headless studio instead; open the URL it prints.'));
  if (isStale('dist/renderer/index.html', ['renderer', 'native/api', 'vite.config.ts'])) run('building the renderer', 'npx', ['vite', 'build', '--logLevel', 'error']);
  foreground(process.execPath, [path.join(root, 'bin', 'lathe.mjs'), 'serve', ...args]);
}
