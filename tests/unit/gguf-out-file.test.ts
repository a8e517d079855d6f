// A GGUF export's --out replaces an earlier GGUF file (or an empty one) and nothing else: a path that names a file
// the user keeps (notes, a mistyped dotfile) is refused and the file left as it was, as a folder of other files is
// for the folder formats (deploy-replace-folder.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeGgufFile, type GgufTensorPlan } from '../../native/deploy/gguf-file-writer.ts';
import { str } from '../../native/deploy/gguf-format.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-gguf-out-'));
  dirs.push(d);
  return d;
}

const metadata = new Map([['general.name', str('m')]]);
const tensors: GgufTensorPlan[] = [{ name: 't', dims: [8], type: 'F32', bytes: () => new Uint8Array(32) }];
const isGguf = (file: string) => fs.readFileSync(file).subarray(0, 4).toString('latin1') === 'GGUF';

describe('a GGUF export over an existing file', () => {
  it('refuses a file that is not a GGUF file, and leaves it as it was', async () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'my notes\n');
    await expect(writeGgufFile(file, metadata, tensors)).rejects.toThrow(`${file}: this file exists and is not a GGUF file, so it is not replaced (only an earlier GGUF export is replaced without asking); choose a new file`);
    expect(fs.readFileSync(file, 'utf8')).toBe('my notes\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['notes.txt']);
  });

  it("with force (the CLI's --force), replaces a file that is not GGUF, atomically: no temporary is left beside it", async () => {
    const file = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(file, 'my notes\n');
    await writeGgufFile(file, metadata, tensors, undefined, undefined, true);
    expect(isGguf(file)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['notes.txt']);
  });

  it('replaces an earlier export, and writes over an empty file', async () => {
    const dir = tempDir();
    const earlier = path.join(dir, 'm.gguf');
    await writeGgufFile(earlier, metadata, tensors);
    const before = fs.statSync(earlier).size;
    await writeGgufFile(earlier, new Map([['general.name', str('a longer name')]]), tensors);
    expect(fs.statSync(earlier).size).toBeGreaterThan(before);
    const empty = path.join(dir, 'empty.gguf');
    fs.writeFileSync(empty, '');
    await writeGgufFile(empty, metadata, tensors);
    expect([isGguf(earlier), isGguf(empty)]).toEqual([true, true]);
  });
});
