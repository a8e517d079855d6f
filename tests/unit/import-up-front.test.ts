// An import (a model, a dataset) whose source cannot be imported is refused before anything happens: no progress
// line, nothing written, not even the data directory. `lathe model import-gguf` of a missing file printed "2% reading nope.gguf"
// and made the data directory before saying the file was not there; a GGUF file whose header did not describe a
// llama model it could import was dequantised whole first; `model import` of a missing folder and
// `model import-llama2c` of a file that is no checkpoint made the data directory (and llama2c a progress line), and
// so did `dataset import` of a missing file or a folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { writeSpmLlama } from '../fixtures/models/spm-llama.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-model-refusals-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let goodGguf: string;
beforeAll(async () => {
  await writeSpmLlama(path.join(root, 'tiny'));
  goodGguf = path.join(root, 'tiny.f32.gguf');
  await exportGguf(path.join(root, 'tiny'), goodGguf, { dtype: 'f32' });
});

/** A copy of the good file whose llama.feed_forward_length no longer matches its tensors. */
function mismatchedGguf(): string {
  const bytes = fs.readFileSync(goodGguf);
  const key = Buffer.from('llama.feed_forward_length');
  const at = bytes.indexOf(key) + key.length + 4; // the key, its u32 value type, then the value
  expect(bytes.readUInt32LE(at)).toBe(96);
  bytes.writeUInt32LE(97, at);
  const file = path.join(root, 'ffn-97.gguf');
  fs.writeFileSync(file, bytes);
  return file;
}

let n = 0;
async function refused(args: string[]): Promise<{ stderr: string; dataDir: string }> {
  const dataDir = path.join(root, `data-${++n}`);
  const { code, stderr } = await latheInProcess(args, dataDir);
  expect(code, stderr).toBe(2);
  expect(stderr, 'one line: the refusal, no progress before it').not.toContain('\n');
  expect(stderr).not.toMatch(/\d+% /);
  expect(fs.existsSync(dataDir), 'nothing written, not even the data directory').toBe(false);
  return { stderr, dataDir };
}

describe('lathe model import-gguf refuses a file it cannot import up front', () => {
  it('a missing file, naming its path', async () => {
    const missing = path.join(root, 'nope.gguf');
    const { stderr } = await refused(['model', 'import-gguf', missing, '--name', 'x']);
    expect(stderr).toBe(`lathe model import-gguf: ${missing}: no such file; check the path`);
  });

  it('a folder, and a file that is not GGUF', async () => {
    expect((await refused(['model', 'import-gguf', root, '--name', 'x'])).stderr).toBe(`lathe model import-gguf: ${root}: not a file (a .gguf file was expected here)`);
    const text = path.join(root, 'notes.gguf');
    fs.writeFileSync(text, 'not a model\n');
    expect((await refused(['model', 'import-gguf', text, '--name', 'x'])).stderr).toBe(`lathe model import-gguf: ${text}: not a GGUF file (it does not start with "GGUF")`);
  });

  it('a GGUF whose tensors disagree with its metadata, from the header alone', async () => {
    const file = mismatchedGguf();
    const { stderr } = await refused(['model', 'import-gguf', file, '--name', 'x']);
    expect(stderr).toMatch(new RegExp(`^lathe model import-gguf: ${file}: tensor 'blk\\.0\\.ffn_(gate|up|down)\\.weight' \\(Lathe's '.*'\\) has dims \\[\\d+,\\d+\\] but the llama\\.\\* metadata implies`));
  });

  it('and still imports a good one', async () => {
    const dataDir = path.join(root, 'data-good');
    const { code, stderr } = await latheInProcess(['model', 'import-gguf', goodGguf, '--name', 'tiny'], dataDir);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/dequantising tensor|checking the copy/);
  });
});

describe('model import and import-llama2c make nothing for a source they refuse', () => {
  it('a missing folder', async () => {
    const missing = path.join(root, 'no-such-model');
    const { stderr } = await refused(['model', 'import', missing, '--name', 'x']);
    expect(stderr).toMatch(new RegExp(`^lathe model import: ${missing}: no such folder`));
  });

  // It said "no config.json; is this a Hugging Face model folder?" for a folder of llama2.c or GGUF files, which another
  // import takes: that import is now named, with the files.
  it('a folder with no config.json, naming the import that takes the checkpoint files it holds', async () => {
    const llama2c = path.join(root, 'llama2c-folder');
    fs.mkdirSync(llama2c);
    for (const f of ['stories.bin', 'tok512.bin']) fs.writeFileSync(path.join(llama2c, f), 'x');
    expect((await refused(['model', 'import', llama2c, '--name', 'x'])).stderr).toBe(
      `lathe model import: ${llama2c}: no config.json, so it is not a Hugging Face model folder; give the folder that holds config.json, the .safetensors weights and tokenizer.json; ` +
        `it holds stories.bin and tok512.bin: a llama2.c checkpoint is imported with 'lathe model import-llama2c ${path.join(llama2c, 'stories.bin')} --tokenizer ${path.join(llama2c, 'tok512.bin')} --name N'`,
    );
    const gguf = path.join(root, 'gguf-folder');
    fs.mkdirSync(gguf);
    fs.copyFileSync(goodGguf, path.join(gguf, 'tiny.f32.gguf'));
    expect((await refused(['model', 'import', gguf, '--name', 'x'])).stderr).toMatch(/; it holds tiny\.f32\.gguf, a GGUF file, which is imported with 'lathe model import-gguf .*tiny\.f32\.gguf --name N'$/);
  });

  it('a checkpoint that is not llama2.c, naming it', async () => {
    const bogus = path.join(root, 'bogus.bin');
    fs.writeFileSync(bogus, 'abc');
    const { stderr } = await refused(['model', 'import-llama2c', bogus, '--tokenizer', bogus, '--name', 'x']);
    expect(stderr).toBe(`lathe model import-llama2c: ${bogus}: only 3 bytes; a llama2.c checkpoint starts with a 28-byte header`);
  });
});

describe('lathe dataset import makes nothing for files it refuses', () => {
  it('a missing file, a folder, an unknown format, and a missing --add file', async () => {
    const missing = path.join(root, 'nope.jsonl');
    expect((await refused(['dataset', 'import', missing, '--name', 'x'])).stderr).toMatch(new RegExp(`^lathe dataset import: ${missing}: no such file; check the path$`));
    expect((await refused(['dataset', 'import', root, '--name', 'x'])).stderr).toMatch(new RegExp(`^lathe dataset import: ${root} is a folder; give the dataset file in it`));
    const notes = path.join(root, 'notes.txt');
    fs.writeFileSync(notes, 'a\n');
    expect((await refused(['dataset', 'import', notes, '--name', 'x'])).stderr).toMatch(/^lathe dataset import: notes\.txt: unknown dataset format '\.txt'/);
    const rows = path.join(root, 'rows.jsonl');
    fs.writeFileSync(rows, '{"a":1}\n');
    expect((await refused(['dataset', 'import', rows, '--name', 'x', '--split', 'train', '--add', `test=${missing}`])).stderr).toMatch(new RegExp(`^lathe dataset import: ${missing}: no such file`));
  });
});
