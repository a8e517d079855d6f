// A path the user gave that is not there, with a file of a near name beside it, gets "did you mean …?": before,
// `lathe dataset import …/dialogsum/dev.json` (the file is dev.jsonl) said only "no such file", and so did every
// other command that reads a path (pretrain --corpus, docs add, the model imports, quantize --text, eval --prompt
// and --rubric-file, metrics --pred, an adapter folder, and the studio's import methods). One helper
// (native/store/near-files.ts over native/api/suggest.ts' nearFileNames) offers the same names everywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nearFileNames } from '../../native/api/suggest.ts';
import { checkAdapter } from '../../native/eval/runner-adapter.ts';
import { readPeftAdapter } from '../../native/models/peft.ts';
import { didYouMeanFile, nearFiles } from '../../native/store/near-files.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-near-files-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const kit = path.join(root, 'kit');
const at = (...parts: string[]) => path.join(kit, ...parts);
for (const [file, text] of Object.entries({
  'dialogsum/dev.jsonl': '{"dialogue":"a","summary":"b"}\n',
  'corpora/tinyshakespeare.txt': 'First Citizen:\nBefore we proceed any further, hear me speak.\n',
  'stories260K/stories260K.bin': '',
  'stories260K/tok512.bin': '',
  'gguf/model.gguf': '',
  'gguf/notes.bin': '',
  'eval/prompt.json': '{}',
  'eval/rubric.txt': 'be kind',
  'eval/pred.txt': 'a\n',
  'adapters/adapter/adapter_config.json': '{}',
})) {
  fs.mkdirSync(path.dirname(at(file)), { recursive: true });
  fs.writeFileSync(at(file), text);
}

describe('nearFileNames: the names a missing one was meant to be', () => {
  const folder = ['dev.jsonl', 'test.jsonl', 'train.jsonl', 'notes.md', 'Data.csv', 'hh.jsonl.gz'];
  it('the same stem with another extension, one more or one fewer', () => {
    expect(nearFileNames('dev.json', folder)).toEqual(['dev.jsonl']);
    expect(nearFileNames('dev', folder)).toEqual(['dev.jsonl']);
    expect(nearFileNames('hh.jsonl', folder)).toEqual(['hh.jsonl.gz']);
    expect(nearFileNames('train.jsonl.nope', folder)).toEqual(['train.jsonl']);
  });

  it('another letter case first, then a name one typo away (a letter added, dropped, changed or two swapped)', () => {
    expect(nearFileNames('data.csv', folder)).toEqual(['Data.csv']);
    expect(nearFileNames('tset.jsonl', folder)).toEqual(['test.jsonl']);
    expect(nearFileNames('trains.jsonl', folder)).toEqual(['train.jsonl']);
    expect(nearFileNames('nots.md', folder)).toEqual(['notes.md']);
  });

  it('nothing for a name two typos away or of another stem, and several when they tie', () => {
    expect(nearFileNames('dvv.jsnl', folder)).toEqual([]);
    expect(nearFileNames('summary.jsonl', folder)).toEqual([]);
    expect(nearFileNames('dev.txt', ['dev.csv', 'dev.jsonl'])).toEqual(['dev.csv', 'dev.jsonl']);
  });
});

describe('nearFiles: paths beside a missing one, written as it was given', () => {
  it('keeps the folder part as typed, relative or absolute, and corrects a folder on the way', () => {
    expect(nearFiles(at('dialogsum', 'dev.json'))).toEqual([at('dialogsum', 'dev.jsonl')]);
    expect(nearFiles(at('dialgosum', 'dev.json'))).toEqual([at('dialogsum', 'dev.jsonl')]);
    const cwd = process.cwd();
    process.chdir(kit);
    try {
      expect(nearFiles('dialogsum/dev.json')).toEqual(['dialogsum/dev.jsonl']);
      expect(nearFiles('./dialogsum/dve.jsonl')).toEqual(['./dialogsum/dev.jsonl']);
      expect(didYouMeanFile('corpora/tinyshakespear.txt')).toBe('did you mean corpora/tinyshakespeare.txt?');
    } finally {
      process.chdir(cwd);
    }
  });

  it('offers only names with the endings asked for, and nothing for a path that is there or has no neighbour', () => {
    expect(nearFiles(at('gguf', 'notes.gguf'))).toEqual([at('gguf', 'notes.bin')]);
    expect(nearFiles(at('gguf', 'notes.gguf'), { endings: ['.gguf'] })).toEqual([]);
    expect(nearFiles(at('dialogsum', 'dev.jsonl'))).toEqual([]);
    expect(nearFiles(at('nowhere', 'at', 'all.txt'))).toEqual([]);
    expect(didYouMeanFile(at('dialogsum', 'summaries.jsonl'))).toBeUndefined();
  });
});

describe('every command that reads a path suggests the near one', () => {
  const dataDir = path.join(root, 'data');
  const refused = async (args: string[]) => {
    const r = await latheInProcess(args, dataDir);
    expect(r.code, r.stderr).toBe(2);
    return r.stderr.split('\n').find((line) => !line.startsWith('lathe: created data directory')); // pretrain makes it first
  };

  it('dataset import: the file with its real extension, instead of "check the path"', async () => {
    expect(await refused(['dataset', 'import', at('dialogsum', 'dev.json'), '--name', 'x']))
      .toBe(`lathe dataset import: ${at('dialogsum', 'dev.json')}: no such file; did you mean ${at('dialogsum', 'dev.jsonl')}?`);
    // a dataset import offers only the formats it reads: a .md beside is no dataset
    expect(await refused(['dataset', 'import', at('eval', 'rubric.jsonl'), '--name', 'x'])).toMatch(/no such file; check the path$/);
  });

  it('pretrain --corpus, docs add, quantize --text', async () => {
    expect(await refused(['pretrain', '--corpus', at('corpora', 'tinyshakespear.txt')]))
      .toBe(`lathe pretrain: --corpus: corpus file ${at('corpora', 'tinyshakespear.txt')}: no such file; did you mean ${at('corpora', 'tinyshakespeare.txt')}?`);
    // each missing path on its line, in the one wording
    expect((await latheInProcess(['docs', 'add', 'c', at('corpora', 'tinyshakespeare.md'), at('corpora', 'nothing.txt')], dataDir)).stderr.split('\nUsage:')[0]).toBe([
      `lathe docs add: ${at('corpora', 'tinyshakespeare.md')}: no such file or folder; did you mean ${at('corpora', 'tinyshakespeare.txt')}?`,
      `${at('corpora', 'nothing.txt')}: no such file or folder; check the path`,
      'Nothing was imported.',
    ].join('\n'));
    expect(await refused(['quantize', '--model', 'm', '--report', '--text', at('corpora', 'tinyshakespeare')]))
      .toBe(`lathe quantize: --text ${at('corpora', 'tinyshakespeare')}: no such file; did you mean ${at('corpora', 'tinyshakespeare.txt')}?`);
  });

  it('model import, import-llama2c (checkpoint and tokenizer) and import-gguf', async () => {
    expect(await refused(['model', 'import', at('stories260k'), '--name', 'm'])).toMatch(new RegExp(`: no such folder; did you mean ${at('stories260K')}\\? \\(give the folder`));
    expect(await refused(['model', 'import-llama2c', at('stories260K', 'stories260K.bn'), '--tokenizer', at('stories260K', 'tok512.bin'), '--name', 'm']))
      .toBe(`lathe model import-llama2c: ${at('stories260K', 'stories260K.bn')}: no such file; did you mean ${at('stories260K', 'stories260K.bin')} for the checkpoint (CKPT.bin)?`);
    expect(await refused(['model', 'import-llama2c', at('stories260K', 'stories260K.bin'), '--tokenizer', at('stories260K', 'tok512'), '--name', 'm']))
      .toBe(`lathe model import-llama2c: ${at('stories260K', 'tok512')}: no such file; did you mean ${at('stories260K', 'tok512.bin')} for the tokenizer (--tokenizer TOK.bin)?`);
    expect(await refused(['model', 'import-gguf', at('gguf', 'modle.gguf'), '--name', 'm'])).toBe(`lathe model import-gguf: ${at('gguf', 'modle.gguf')}: no such file; did you mean ${at('gguf', 'model.gguf')}?`);
    // a .bin beside is no GGUF file: not offered
    expect(await refused(['model', 'import-gguf', at('gguf', 'notes.gguf'), '--name', 'm'])).toBe(`lathe model import-gguf: ${at('gguf', 'notes.gguf')}: no such file; check the path`);
  });

  it('eval --prompt and --rubric-file, metrics --pred', async () => {
    expect(await refused(['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--prompt', at('eval', 'promt.json')]))
      .toBe(`lathe eval: --prompt ${at('eval', 'promt.json')}: no such file; did you mean ${at('eval', 'prompt.json')}?`);
    expect(await refused(['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'judge', '--judge', 'm', '--rubric-file', at('eval', 'rubric.md')]))
      .toBe(`lathe eval: --rubric-file ${at('eval', 'rubric.md')}: no such file; did you mean ${at('eval', 'rubric.txt')}?`);
    expect(await refused(['metrics', 'rouge', '--pred', at('eval', 'pred.txtt'), '--ref', at('eval', 'pred.txt')]))
      .toBe(`lathe metrics rouge: ${at('eval', 'pred.txtt')}: no such file; did you mean ${at('eval', 'pred.txt')}?`);
  });

  it('an adapter folder (export, merge and eval --adapter read it)', () => {
    expect(() => readPeftAdapter(at('adapters', 'adaptr'))).toThrow(`${at('adapters', 'adaptr')}: no such folder; did you mean ${at('adapters', 'adapter')} for the PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)?`);
    const model = { id: 'mdl_x', name: 'm', path: at('m'), source: 'import' };
    expect(() => checkAdapter(at('adapters', 'adaptr'), model)).toThrow(`${at('adapters', 'adaptr')}: no such folder; did you mean ${at('adapters', 'adapter')} for the PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)?`);
  });
});

describe("the studio's imports suggest the same", () => {
  const studios = tempStudios('lathe-near-files-studio-', 'serve');
  it('models.importGguf and collections.addDocuments', async () => {
    const { studio } = studios.open();
    expect((await refusal(studio.call('models.importGguf', { path: at('gguf', 'modle.gguf'), name: 'm' }))).message)
      .toBe(`${at('gguf', 'modle.gguf')}: no such file; did you mean ${at('gguf', 'model.gguf')} for the GGUF file (.gguf, or an Ollama blob)?`);
    await studio.call('collections.create', { name: 'c' });
    expect((await refusal(studio.call('collections.addDocuments', { collection: 'c', paths: [at('corpora', 'tinyshakespeare.md')] }))).message)
      .toBe(`${at('corpora', 'tinyshakespeare.md')}: no such file or folder; did you mean ${at('corpora', 'tinyshakespeare.txt')}?`);
  });
});
