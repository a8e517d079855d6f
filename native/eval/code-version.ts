// Which code produced a result: the app's version, and the git commit when running from a checkout (read from
// .git directly, so no git binary is needed and a packaged app simply has none).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function gitCommit(): string | null {
  try {
    const gitDir = path.join(ROOT, '.git');
    const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    const ref = head.slice(5);
    const loose = path.join(gitDir, ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(gitDir, 'packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

let cached: { version: string; commit: string | null } | undefined;

export function codeVersion(): { version: string; commit: string | null } {
  cached ??= { version: (createRequire(import.meta.url)('../../package.json') as { version: string }).version, commit: gitCommit() };
  return cached;
}
