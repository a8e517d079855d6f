#!/usr/bin/env node
// `npm run electron:install`: fetch the Electron binary that `npm install` could not (see bin/electron-status.mjs).
// Where the package is there without its binary, its own install step runs again; otherwise npm installs the pinned package again (without saving),
// whose install step downloads the binary from github.com).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronVersion, findElectron, ROOT } from './electron-status.mjs';

const before = findElectron();
if (before.binary) {
  console.log(`lathe: Electron is already installed (${before.binary}); \`npm start\` opens the desktop app.`);
  process.exit(0);
}
const env = { ...process.env };
delete env.ELECTRON_SKIP_BINARY_DOWNLOAD; // the user asked for the binary: a setting that skips it would defeat that
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
const [command, args] = before.packageInstalled
  ? [process.execPath, [path.join(before.packageDir, 'install.js')]]
  : [npm[0], [...npm[1], 'install', '--no-save', '--no-audit', '--no-fund', '--foreground-scripts', `electron@${electronVersion()}`]];
console.log(`lathe: downloading Electron's binary (${[command, ...args].map((a) => path.basename(a)).join(' ')})…`);
spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env, shell: process.platform === 'win32' });

const after = findElectron();
if (after.binary) {
  console.log(`lathe: Electron installed (${after.binary}); \`npm start\` now opens the desktop app.`);
} else {
  console.error(`lathe: Electron's binary is still missing (${after.reason}). Check that github.com is reachable ` +
    '(or set ELECTRON_MIRROR to a mirror you can reach) and run `npm run electron:install` again.');
  process.exit(1);
}
