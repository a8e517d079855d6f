// The desktop app's Add a model › Hugging Face folder (the Studio API's models.importFolder) checks the folder as
// `lathe model import` does, through one function (models/import-hints.ts): a folder of llama2.c or GGUF files is
// told which import takes them, paths filled in, naming the app's own choices where the CLI names its commands.
// Before, the app said only "no config.json; give a Hugging Face model folder", and "no such folder" for a file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refusal, tempStudios } from './studio-calls.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir } = tempStores('lathe-import-hint-');
const studios = tempStudios('lathe-import-hint-studio-', 'electron');

const WANTED = 'give the folder that holds config.json, the .safetensors weights and tokenizer.json';

describe('models.importFolder on a path that is not a model folder', () => {
  it('names the import that takes the llama2.c or GGUF files a folder holds, on the field path, starting no job', async () => {
    const { studio } = studios.open();
    const root = tempDir();
    const llama2c = path.join(root, 'stories260K');
    fs.mkdirSync(llama2c);
    for (const f of ['stories260K.bin', 'tok512.bin']) fs.writeFileSync(path.join(llama2c, f), 'x');
    const gguf = path.join(root, 'gguf-folder');
    fs.mkdirSync(gguf);
    fs.writeFileSync(path.join(gguf, 'tiny.q8_0.gguf'), 'GGUF');
    const asFolder = async (p: string) => {
      const err = await refusal(studio.call('models.importFolder', { path: p, name: 'x' }));
      expect([err.code, err.details]).toEqual(['invalid_params', { field: 'path', file: p }]);
      return err.message;
    };
    expect(await asFolder(llama2c)).toBe(
      `${llama2c}: no config.json, so it is not a Hugging Face model folder; ${WANTED}; it holds stories260K.bin and tok512.bin: a llama2.c checkpoint is imported ` +
        `under Add a model › llama2.c checkpoint, with the checkpoint ${path.join(llama2c, 'stories260K.bin')} and the tokenizer ${path.join(llama2c, 'tok512.bin')}`,
    );
    expect(await asFolder(gguf)).toBe(
      `${gguf}: no config.json, so it is not a Hugging Face model folder; ${WANTED}; it holds tiny.q8_0.gguf, a GGUF file, which is imported under Add a model › GGUF file, with the path ${path.join(gguf, 'tiny.q8_0.gguf')}`,
    );
    const file = path.join(gguf, 'tiny.q8_0.gguf');
    expect(await asFolder(file)).toBe(`${file}: not a folder; ${WANTED}; a GGUF file is imported under Add a model › GGUF file, with the path ${file}`);
    const missing = path.join(root, 'nope');
    expect(await asFolder(missing)).toBe(`${missing}: no such folder; check the path (${WANTED})`);
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });
});

describe('models.importLlama2c on a file that is not a llama2.c checkpoint', () => {
  it('refuses it on the field checkpoint, in the app’s words (no CLI flag), with the header field as data, starting no job', async () => {
    const { studio } = studios.open();
    const root = tempDir();
    // a tokenizer.bin starts with max_token_length, then each token's score (a float) and length: hiddenDim reads 0
    const tokenizer = path.join(root, 'tok512.bin');
    const head = Buffer.alloc(64);
    head.writeInt32LE(7, 0);
    fs.writeFileSync(tokenizer, head);
    const err = await refusal(studio.call('models.importLlama2c', { checkpoint: tokenizer, tokenizer, name: 'x' }));
    expect(err.code).toBe('invalid_params');
    expect(err.details).toEqual({ field: 'checkpoint', file: tokenizer, kind: 'implausible', headerField: 'hiddenDim', value: 0 });
    expect(err.message).toBe('This file is not a llama2.c checkpoint: its header gives hiddenDim = 0, which no model has. A tokenizer (tok512.bin, tokenizer.bin) goes under Tokenizer path, the model file (stories260K.bin…) here; a legacy (version 0) llama2.c file cannot be read either.');
    expect(err.message).not.toMatch(/--/);
    const short = path.join(root, 'short.bin');
    fs.writeFileSync(short, 'abc');
    expect((await refusal(studio.call('models.importLlama2c', { checkpoint: short, tokenizer, name: 'x' }))).message).toBe('This file has only 3 bytes: a llama2.c checkpoint starts with a 28-byte header.');
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });
});
