// A file a command reads, named by a path that runs through a file (notes.txt/p.json), was refused with a bare code:
// 'cannot be read (ENOTDIR)' (eval --prompt, --rubric-file, quantize --text) or 'cannot open (ENOTDIR: not a
// directory, open …)' (model import-gguf). It is now 'no such file', naming the file in the way, as an output path
// through a file is (models/atomic.ts' fileOnTheWay), in the one wording of a missing file (fileProblem).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir } = tempStores('lathe-input-through-file-');

describe('a file to read whose path runs through a file', () => {
  it('is refused as no such file, naming the file in the way', async () => {
    const dataDir = tempDir();
    const notes = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    const stderr = async (args: string[]) => {
      const r = await latheInProcess(args, dataDir);
      expect(r.code, r.stderr).toBe(2);
      return r.stderr;
    };
    const inWay = `${notes} is a file, not a folder`;
    const prompt = path.join(notes, 'p.json');
    expect(await stderr(['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--prompt', prompt])).toBe(`lathe eval: --prompt ${prompt}: no such file: ${inWay}; check the path`);
    const rubric = path.join(notes, 'r.txt');
    expect(await stderr(['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'judge', '--judge', 'm', '--rubric-file', rubric])).toBe(`lathe eval: --rubric-file ${rubric}: no such file: ${inWay}; check the path`);
    const text = path.join(notes, 'held-out.txt');
    expect(await stderr(['quantize', '--model', 'm', '--report', '--text', text])).toBe(`lathe quantize: --text ${text}: no such file: ${inWay}; check the path`);
    const gguf = path.join(notes, 'm.gguf');
    expect(await stderr(['model', 'import-gguf', gguf, '--name', 'm'])).toBe(`lathe model import-gguf: ${gguf}: no such file: ${inWay}; check the path`);
  });
});
