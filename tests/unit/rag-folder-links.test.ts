// A documents folder is read once per real folder: a link back up the tree (an unpacked archive may hold one) neither
// reads the same files over and over nor, with two such links, runs forever.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandPaths } from '../../native/rag/collection.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function folderWithLinksUp(links: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-doc-links-'));
  dirs.push(root);
  fs.mkdirSync(path.join(root, 'notes'));
  fs.writeFileSync(path.join(root, 'notes', 'a.txt'), 'hello');
  for (let i = 0; i < links; i++) fs.symlinkSync('..', path.join(root, 'notes', `up${i}`));
  return root;
}

describe.skipIf(process.platform === 'win32')('expandPaths over links', () => {
  it('reads a file once when a link leads back to a folder already read', () => {
    const root = folderWithLinksUp(1);
    expect(expandPaths([root])).toEqual({ files: [path.join(root, 'notes', 'a.txt')], skipped: [] });
  });

  it('ends with two links back up (each path would branch in two, 2^40 times)', () => {
    const root = folderWithLinksUp(2);
    expect(expandPaths([root]).files).toEqual([path.join(root, 'notes', 'a.txt')]);
  });
});
