// One source of truth for "is the desktop app runnable here, and if not, what to do". Used by the install step
// (bin/postinstall.mjs), `npm start` (bin/start.mjs), `npm run electron:install` and the Electron e2e test.
//
// Electron is an optional dependency: its package's own install step downloads the binary from GitHub, and where
// that download fails (offline, a proxy, a blocked host) npm removes the package and says nothing. Lathe then runs
// as the headless studio in the browser, and says so with this one piece of advice.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ELECTRON_ADVICE =
  'To get the desktop app, run `npm run electron:install` on a machine that can reach github.com ' +
  '(Electron downloads its binary from there).';

/** The Electron version the lock file pins (what `npm install` tried to install), else package.json's range. */
export function electronVersion() {
  try {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const version = lock.packages?.['node_modules/electron']?.version;
    if (version) return version;
  } catch {
    // no lock file: fall back to the declared range
  }
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? 'latest';
}

/**
 * The Electron executable's path, or why there is none: `{ binary }` or `{ packageInstalled, reason }`.
 * The package resolves to the binary's path only when its install step downloaded it.
 */
export function findElectron() {
  const require = createRequire(path.join(ROOT, 'package.json'));
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { packageInstalled: false, reason: 'the Electron package is not installed: its binary could not be downloaded during `npm install`' };
  }
  try {
    const binary = require('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary, packageInstalled: true, packageDir };
    return { packageInstalled: true, packageDir, reason: `the Electron package points at ${String(binary)}, which does not exist` };
  } catch {
    return { packageInstalled: true, packageDir, reason: 'the Electron package is installed without its binary (its download was skipped or failed)' };
  }
}

/** The one message printed when the desktop app cannot run here. */
export function electronMissingMessage(reason, consequence) {
  return `lathe: ${reason}. ${consequence} ${ELECTRON_ADVICE}`;
}
