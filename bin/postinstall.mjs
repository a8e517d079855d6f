#!/usr/bin/env node
// The last step of `npm install`. When Electron's binary could not be installed, say so once, with the one piece of
// advice (bin/electron-status.mjs), and still give the type-check Electron's API declarations: they come from the same
// package tarball, which npm fetched (and cached) before Electron's own install step failed, so this needs no network.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { electronMissingMessage, electronVersion, findElectron, ROOT } from './electron-status.mjs';

/** Where the type-check finds Electron's declarations when the package itself is absent (a tsconfig typeRoot). */
const FALLBACK_TYPES_DIR = path.join(ROOT, 'node_modules', '.lathe-types', 'electron');

/** One file's bytes from a gzipped tar archive, or null when it is not there. */
function fileFromTgz(tgz, wanted) {
  const tar = gunzipSync(tgz);
  const field = (block, start, length) => block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (name === '') return null; // the two zero blocks that end an archive
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const fullName = prefix ? `${prefix}/${name}` : name;
    const dataStart = offset + 512;
    if (fullName === wanted) return tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
  }
  return null;
}

/** Extracts electron.d.ts from the (cached) package tarball; returns null on success or the reason it failed. */
function installFallbackTypes(version) {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-electron-types-'));
  try {
    const npm = process.env.npm_execpath
      ? [process.execPath, [process.env.npm_execpath]]
      : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
    const packed = spawnSync(npm[0], [...npm[1], 'pack', `electron@${version}`, '--prefer-offline', '--silent',
      '--pack-destination', workDir], { encoding: 'utf8', shell: process.platform === 'win32' });
    const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
    if (packed.status !== 0 || !tarball) return `npm pack electron@${version} failed: ${(packed.stderr || '').trim() || `exit ${packed.status}`}`;
    const declarations = fileFromTgz(readFileSync(path.join(workDir, tarball)), 'package/electron.d.ts');
    if (!declarations) return `electron@${version}'s package has no electron.d.ts`;
    mkdirSync(FALLBACK_TYPES_DIR, { recursive: true });
    writeFileSync(path.join(FALLBACK_TYPES_DIR, 'index.d.ts'), declarations);
    return null;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const electron = findElectron();
if (electron.packageInstalled) {
  // The package's own declarations serve the type-check; a copy left from an earlier install would clash with them.
  rmSync(FALLBACK_TYPES_DIR, { recursive: true, force: true });
}
if (!electron.binary) {
  console.log(electronMissingMessage(electron.reason, '`npm start` will run the headless studio in your browser instead of the desktop app.'));
  if (!electron.packageInstalled) {
    const failure = installFallbackTypes(electronVersion());
    if (failure) console.log(`lathe: could not provide Electron's type declarations for the type-check (${failure}); \`npm test\` will report electron/ as unchecked.`);
  }
}
