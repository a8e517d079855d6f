// Where an export or merge goes (--out, the Integrate page's outPath) is checked before the work, as runs compare's
// --csv is (models/atomic.ts' outputPathProblem, one check for all): a path through a file failed after the whole
// export with a bare "ENOTDIR: not a directory, stat '…'" (GGUF) or "EEXIST: file already exists, mkdir '…'" (ONNX,
// Hugging Face folder, merge), the flag unnamed. A missing folder on the way is still created, and named on stderr. A folder that holds
// other files (not an earlier export) is refused by the same check: the Studio's deploy.export started a job that
// failed on it (deploy/replace-folder.ts' rule, which the studio may not import), and its message told the Studio's
// user to choose another '--out'. An export that fails after creating missing folders removes them (only those it
// created, only while empty), as a cancelled one does (deploy-cli-signal).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GGUF_FILE } from '../../native/api/deploy.ts';
import { readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { loraAName, loraBName, loraModules, type LoraConfig } from '../../native/models/lora.ts';
import { writePeftAdapter } from '../../native/models/peft.ts';
import type { Tensor } from '../../native/models/safetensors.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { dataDirOutputProblem, outputPathProblem } from '../../native/models/atomic.ts';
import { openStore } from '../../native/store/db.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { writeSpmLlama } from '../fixtures/models/spm-llama.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { firstMissingFolder, removeCreatedFolders } from '../../native/cli/output-file.ts';
import { refusal, tempStudios } from './studio-calls.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir } = tempStores('lathe-output-paths-');
const studios = tempStudios('lathe-output-paths-studio-', 'electron');
afterEach(() => vi.restoreAllMocks());

/** A data directory holding the model 'tiny', and a folder holding the user's file notes.txt. */
async function setUp(dataDir = tempDir()): Promise<{ dataDir: string; out: string; notes: string; adapter: string }> {
  const src = path.join(tempDir(), 'tiny');
  const config = CONFIGS.llama3;
  await writeHfFolder(src, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
  await importModelFolder(dataDir, src, 'tiny');
  const out = tempDir();
  const notes = path.join(out, 'notes.txt');
  fs.writeFileSync(notes, 'my notes\n');
  // an adapter folder at a glance (its adapter_config.json), which export and merge look for before --out's check:
  // the adapter is read only by the work an unwritable --out stops first
  const adapter = path.join(tempDir(), 'adapter');
  fs.mkdirSync(adapter);
  fs.writeFileSync(path.join(adapter, 'adapter_config.json'), '{}');
  return { dataDir, out, notes, adapter };
}

describe('outputPathProblem', () => {
  it('names a folder where a file goes, a file where a folder goes, and the file a path runs through', () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'x');
    expect(outputPathProblem(dir, 'file', 'm.gguf')).toBe(`this is a folder; give the path of the file to write, e.g. ${path.join(dir, 'm.gguf')}`);
    expect(outputPathProblem(file, 'folder')).toBe('this is a file; give a folder to write (an earlier export there, or a new or empty one)');
    for (const kind of ['file', 'folder'] as const) {
      expect(outputPathProblem(path.join(file, 'a', 'b'), kind)).toBe(`${file} is a file, not a folder; choose a path in a folder (missing folders are created)`);
      expect(outputPathProblem(path.join(dir, 'new', 'deeper', 'x'), kind)).toBeNull();
    }
    expect(outputPathProblem(file, 'file')).toBeNull(); // an earlier output, replaced
    expect(outputPathProblem(path.join(dir, 'empty'), 'folder')).toBeNull();
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(outputPathProblem(path.join(dir, 'empty'), 'folder')).toBeNull();
  });

  it('names a folder of other files where a folder goes; an earlier export there is replaced', () => {
    const dir = tempDir();
    for (const f of ['config.json', 'notes.md', 'a.txt', 'b.txt']) fs.writeFileSync(path.join(dir, f), '{}');
    const others = 'and is not an earlier export (no config.json beside .safetensors weights or an onnx/ folder), so it is not replaced; choose a new or empty folder (missing folders are created)';
    expect(outputPathProblem(dir, 'folder')).toBe(`this folder holds other files (a.txt, b.txt, config.json and 1 more) ${others}`);
    fs.writeFileSync(path.join(dir, 'model.safetensors'), '');
    expect(outputPathProblem(dir, 'folder')).toBeNull();
    const onnx = tempDir();
    fs.writeFileSync(path.join(onnx, 'config.json'), '{}');
    fs.writeFileSync(path.join(onnx, 'onnx'), 'a file, not the folder of an export');
    expect(outputPathProblem(onnx, 'folder')).toBe(`this folder holds other files (config.json, onnx) ${others}`);
    fs.rmSync(path.join(onnx, 'onnx'));
    fs.mkdirSync(path.join(onnx, 'onnx'));
    expect(outputPathProblem(onnx, 'folder')).toBeNull();
    expect(outputPathProblem(dir, 'file')).toMatch(/^this is a folder/); // a file's destination is another rule
  });

  it('replaces only an earlier file of its format, or an empty one, where a format file goes', () => {
    const dir = tempDir();
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    expect(outputPathProblem(notes, GGUF_FILE)).toBe('this file exists and is not a GGUF file, so it is not replaced (only an earlier GGUF export is replaced without asking); choose a new file');
    expect(outputPathProblem(notes, 'file')).toBeNull(); // runs compare --csv's rule, unchanged
    fs.writeFileSync(path.join(dir, 'm.gguf'), 'GGUF\x03\0\0\0');
    fs.writeFileSync(path.join(dir, 'empty.gguf'), '');
    fs.writeFileSync(path.join(dir, 'short'), 'GG');
    expect(['m.gguf', 'empty.gguf', 'new.gguf'].map((f) => outputPathProblem(path.join(dir, f), GGUF_FILE))).toEqual([null, null, null]);
    expect(outputPathProblem(path.join(dir, 'short'), GGUF_FILE)).toMatch(/is not a GGUF file/);
    expect(outputPathProblem(dir, GGUF_FILE, 'm.gguf')).toBe(`this is a folder; give the path of the file to write, e.g. ${path.join(dir, 'm.gguf')}`);
  });

  it('with force, replaces a file of any format where a format file goes; a folder or a path through a file stays refused', () => {
    const dir = tempDir();
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    const forced = { ...GGUF_FILE, force: true };
    expect(outputPathProblem(notes, forced)).toBeNull();
    expect(outputPathProblem(dir, forced, 'm.gguf')).toMatch(/^this is a folder/);
    expect(outputPathProblem(path.join(notes, 'm.gguf'), forced)).toBe(`${notes} is a file, not a folder; choose a path in a folder (missing folders are created)`);
  });
});

describe('export --out and merge --out that cannot be written', () => {
  it('are refused before the work, naming the flag and the file in the way, writing nothing', async () => {
    const { dataDir, out, notes, adapter } = await setUp();
    const refused = async (args: string[]) => {
      const { code, stderr } = await latheInProcess(args, dataDir);
      expect(code, stderr).toBe(2);
      return stderr;
    };
    const through = `${notes} is a file, not a folder; choose a path in a folder (missing folders are created)`;
    const gguf = path.join(notes, 'sub', 'tiny.gguf');
    expect(await refused(['export', '--model', 'tiny', '--out', gguf])).toBe(`lathe export: --out ${gguf}: ${through}`);
    expect(await refused(['export', '--model', 'tiny', '--adapter', adapter, '--out', gguf])).toBe(`lathe export: --out ${gguf}: ${through}`);
    const folder = path.join(notes, 'sub');
    for (const format of ['onnx', 'hf']) expect(await refused(['export', '--model', 'tiny', '--format', format, '--out', folder])).toBe(`lathe export: --out ${folder}: ${through}`);
    expect(await refused(['merge', '--model', 'tiny', '--adapter', path.join(out, 'adapter'), '--out', folder])).toBe(`lathe merge: --out ${folder}: ${through}`);
    expect(await refused(['export', '--model', 'tiny', '--format', 'hf', '--out', notes])).toBe(`lathe export: --out ${notes}: this is a file; give a folder to write (an earlier export there, or a new or empty one)`);
    expect(await refused(['export', '--model', 'tiny', '--dtype', 'q8_0', '--out', out])).toBe(`lathe export: --out ${out}: this is a folder; give the path of the file to write, e.g. ${path.join(out, 'tiny.q8_0.gguf')}`);
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
  });

  it('a file that is not GGUF is refused as --out of a GGUF export (model or adapter) before the work, and kept', async () => {
    const { dataDir, out, notes, adapter } = await setUp();
    // the refusal says how to replace it after all, as runs compare's does ('or give --force to replace it')
    const notGguf = 'this file exists and is not a GGUF file, so it is not replaced (only an earlier GGUF export is replaced without asking); choose a new file, or give --force to replace it';
    for (const extra of [[], ['--adapter', adapter]]) {
      const { code, stderr } = await latheInProcess(['export', '--model', 'tiny', ...extra, '--out', notes], dataDir);
      // before: the export went ahead (the tiny model's tokenizer then stopped it; a real one was converted whole
      // before the writer refused the file, the flag unnamed)
      expect([code, stderr]).toEqual([2, `lathe export: --out ${notes}: ${notGguf}`]);
    }
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
  });

  it('the default destination (no --out) is checked before the work too', async () => {
    const { dataDir, out } = await setUp();
    const taken = path.join(out, 'tiny.f16.gguf');
    fs.writeFileSync(taken, 'not a model\n');
    vi.spyOn(process, 'cwd').mockReturnValue(out);
    const { code, stderr } = await latheInProcess(['export', '--model', 'tiny'], dataDir);
    expect([code, stderr]).toEqual([2, `lathe export: ${taken} (where the export goes without --out): this file exists and is not a GGUF file, so it is not replaced (only an earlier GGUF export is replaced without asking); choose a new file; or give --out, or --force to replace it`]);
    expect(fs.readFileSync(taken, 'utf8')).toBe('not a model\n');
  });

  it('--force replaces a file that is not GGUF with the GGUF export, written whole through a temporary file', async () => {
    // before: no way to say 'yes, replace it' (--force was an unknown option)
    const dataDir = tempDir();
    const src = path.join(tempDir(), 'spm');
    await writeSpmLlama(src, 5);
    await importModelFolder(dataDir, src, 'spm');
    const out = tempDir();
    const notes = path.join(out, 'notes.txt');
    fs.writeFileSync(notes, 'my notes\n');
    const { code, stderr } = await latheInProcess(['export', '--model', 'spm', '--dtype', 'f32', '--out', notes, '--force'], dataDir);
    expect(code, stderr).toBe(0);
    expect(fs.readFileSync(notes).subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(fs.readdirSync(out)).toEqual(['notes.txt']); // no temporary left beside it
    // the default destination too
    const taken = path.join(out, 'spm.f32.gguf');
    fs.writeFileSync(taken, 'not a model\n');
    vi.spyOn(process, 'cwd').mockReturnValue(out);
    const byDefault = await latheInProcess(['export', '--model', 'spm', '--dtype', 'f32', '--force'], dataDir);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(fs.readFileSync(taken).subarray(0, 4).toString('latin1')).toBe('GGUF');
  });

  it('--force never replaces a folder holding other files (ONNX, Hugging Face), and says why', async () => {
    const { dataDir, out } = await setUp();
    for (const format of ['onnx', 'hf']) {
      const { code, stderr } = await latheInProcess(['export', '--model', 'tiny', '--format', format, '--out', out, '--force'], dataDir);
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`lathe export: --force replaces the file a GGUF export writes (--format gguf); a ${format} export replaces only an earlier export or an empty folder, never a folder holding other files, which it would delete; choose a new or empty folder.\nUsage: lathe export`);
    }
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
  });

  it('a folder holding other files is refused as --out of an ONNX or Hugging Face export and of a merge, naming the flag', async () => {
    const { dataDir, out } = await setUp();
    const holds = `this folder holds other files (notes.txt) and is not an earlier export (no config.json beside .safetensors weights or an onnx/ folder), so it is not replaced; choose a new or empty folder (missing folders are created)`;
    for (const args of [['export', '--model', 'tiny', '--format', 'onnx'], ['export', '--model', 'tiny', '--format', 'hf'], ['merge', '--model', 'tiny', '--adapter', path.join(out, 'adapter')]]) {
      const { code, stderr } = await latheInProcess([...args, '--out', out], dataDir);
      // before: 'lathe export: <out> is a folder that holds other files … for --out' from inside the writer, the flag
      // not first; and merge looked for its adapter first ('adapter_config.json: not found')
      expect([code, stderr]).toEqual([2, `lathe ${args[0]}: --out ${out}: ${holds}`]);
    }
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
  });

  it('a missing folder on the way is still created, and named on stderr as runs compare names its --csv folder', async () => {
    const { dataDir, out } = await setUp();
    // the progress lines aside (withProgress writes them to stderr too), what the command said of folders
    const folderLines = (stderr: string) => stderr.split('\n').filter((line) => !/^\d+% /.test(line));
    const folder = path.join(out, 'new', 'deeper', 'tiny-hf');
    const hf = await latheInProcess(['export', '--model', 'tiny', '--format', 'hf', '--out', folder], dataDir);
    expect([hf.code, folderLines(hf.stderr)]).toEqual([0, [`--out: created the folder ${path.join(out, 'new')}`]]);
    expect(fs.existsSync(path.join(folder, 'config.json'))).toBe(true);
    // the outermost missing folder is named, once; a folder that was there is not
    const spm = path.join(tempDir(), 'spm'); // a tokenizer GGUF can carry (tiny's is not)
    await writeSpmLlama(spm, 5);
    await importModelFolder(dataDir, spm, 'spm');
    const gguf = path.join(out, 'new', 'gguf', 'more', 'spm.f32.gguf');
    const file = await latheInProcess(['export', '--model', 'spm', '--dtype', 'f32', '--out', gguf], dataDir);
    expect([file.code, folderLines(file.stderr)]).toEqual([0, [`--out: created the folder ${path.join(out, 'new', 'gguf')}`]]);
    expect(fs.statSync(gguf).isFile()).toBe(true);
    const again = await latheInProcess(['export', '--model', 'spm', '--dtype', 'f32', '--out', gguf], dataDir);
    expect([again.code, folderLines(again.stderr)]).toEqual([0, []]);
    // merge --out says it the same way
    const model = openStore(dataDir).models.find('tiny');
    const spec = readHfFolder(model.path).spec;
    const config: LoraConfig = { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'] };
    const weights = new Map<string, Tensor>();
    for (const m of loraModules(spec, config)) {
      weights.set(loraAName(m.module), { shape: [config.r, m.inFeatures], data: new Float32Array(config.r * m.inFeatures).fill(0.01) });
      weights.set(loraBName(m.module), { shape: [m.outFeatures, config.r], data: new Float32Array(m.outFeatures * config.r).fill(0.01) });
    }
    const adapter = path.join(tempDir(), 'adapter');
    await writePeftAdapter(adapter, spec, config, weights, 'tiny');
    const merged = path.join(out, 'merged', 'here', 'tiny-merged');
    const merge = await latheInProcess(['merge', '--model', 'tiny', '--adapter', adapter, '--out', merged], dataDir);
    expect([merge.code, folderLines(merge.stderr)]).toEqual([0, [`--out: created the folder ${path.join(out, 'merged')}`]]);
    expect(fs.existsSync(path.join(merged, 'config.json'))).toBe(true);
  });

  it('an export that fails after creating them removes the folders it created, and only those: a folder that was there stays', async () => {
    const { dataDir, out } = await setUp();
    const model = openStore(dataDir).models.find('tiny');
    // a side file the Hugging Face export copies, read only once it writes: a folder there fails the write itself
    fs.mkdirSync(path.join(model.path, 'chat_template.jinja'));
    const fails = async (args: string[]) => {
      const r = await latheInProcess(args, dataDir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${path.join(model.path, 'chat_template.jinja')}: cannot read (EISDIR`); // the side file named, not node's bare EISDIR
      expect(r.stderr).not.toContain('created the folder');
    };
    await fails(['export', '--model', 'tiny', '--format', 'hf', '--out', path.join(out, 'new', 'deeper', 'tiny-hf')]);
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
    const kept = path.join(out, 'kept'); // there before, empty: the export made only what is under it
    fs.mkdirSync(kept);
    await fails(['export', '--model', 'tiny', '--format', 'hf', '--out', path.join(kept, 'a', 'b', 'tiny-hf')]);
    expect([fs.readdirSync(out).sort(), fs.readdirSync(kept)]).toEqual([['kept', 'notes.txt'], []]);
    await fails(['export', '--model', 'tiny', '--format', 'hf', '--out', path.join(kept, 'tiny-hf')]); // no folder to create
    expect(fs.readdirSync(kept)).toEqual([]);
  });
});

describe('removeCreatedFolders', () => {
  it('removes the created folders innermost first while they are empty, stopping at one that holds anything, never above the first created', () => {
    const root = tempDir();
    const out = path.join(root, 'a', 'b', 'c', 'file.gguf');
    const created = firstMissingFolder(out);
    expect(created).toBe(path.join(root, 'a'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(path.join(root, 'a', 'b', 'theirs.txt'), 'written meanwhile by someone else');
    removeCreatedFolders(out, created);
    expect([fs.existsSync(path.join(root, 'a', 'b', 'c')), fs.existsSync(path.join(root, 'a', 'b', 'theirs.txt'))]).toEqual([false, true]);
    fs.rmSync(path.join(root, 'a', 'b', 'theirs.txt'));
    removeCreatedFolders(out, created);
    expect(fs.readdirSync(root)).toEqual([]);
    removeCreatedFolders(out, null); // none created: nothing to do, the root stays
    expect(fs.existsSync(root)).toBe(true);
  });
});

describe("an export or merge into Lathe's data directory", () => {
  it('is refused before the work (a registered model folder looks like an earlier export, and was replaced whole), naming the flag', async () => {
    const { dataDir } = await setUp();
    const store = openStore(dataDir);
    const model = store.models.find('tiny');
    store.close();
    const before = fs.readdirSync(model.path).sort();
    const inside = `this is inside Lathe's data directory (${dataDir}), where the studio keeps its models, runs and datasets, so nothing is written there; choose a path outside it`;
    for (const args of [
      ['export', '--model', 'tiny', '--format', 'hf', '--out', model.path],
      ['export', '--model', 'tiny', '--format', 'onnx', '--out', model.path],
      ['export', '--model', 'tiny', '--out', path.join(dataDir, 'tiny.f16.gguf')],
      ['merge', '--model', 'tiny', '--adapter', path.join(dataDir, 'adapter'), '--out', path.join(dataDir, 'runs', 'merged')],
    ]) {
      const out = args[args.length - 1];
      const { code, stderr } = await latheInProcess(args, dataDir);
      expect([code, stderr]).toEqual([2, `lathe ${args[0]}: --out ${out}: ${inside}`]);
    }
    // a folder that holds the data directory would be replaced with it
    const parent = path.dirname(dataDir);
    const { code, stderr } = await latheInProcess(['export', '--model', 'tiny', '--format', 'hf', '--out', parent], dataDir);
    expect([code, stderr]).toEqual([2, `lathe export: --out ${parent}: this folder holds Lathe's data directory (${dataDir}), which an export here would replace, so nothing is written there; choose a path outside it`]);
    expect(fs.readdirSync(model.path).sort()).toEqual(before);
  });

  it('is found through a symlink, and a sibling folder whose name starts like the data directory is not inside it', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(path.join(dataDir, 'models'), { recursive: true });
    const link = path.join(root, 'link');
    fs.symlinkSync(dataDir, link);
    expect(dataDirOutputProblem(path.join(link, 'models', 'x', 'new'), dataDir)).toMatch(/^this is inside Lathe's data directory/);
    expect(dataDirOutputProblem(dataDir, dataDir)).toMatch(/^this is inside/);
    expect(dataDirOutputProblem(path.join(root, 'data-exports', 'm.gguf'), dataDir)).toBeNull();
    expect(dataDirOutputProblem(path.join(root, 'elsewhere'), dataDir)).toBeNull();
  });

  it('is refused by the Studio API’s deploy.export at once, on the field outPath, starting no job', async () => {
    const { studio, dataDir } = studios.open();
    await setUp(dataDir);
    const outPath = path.join(dataDir, 'models');
    const err = await refusal(studio.call('deploy.export', { modelId: 'tiny', format: 'hf', dtypes: ['fp32'], outPath }));
    expect([err.code, err.details]).toEqual(['invalid_params', { field: 'outPath', file: outPath }]);
    expect(err.message).toMatch(/is inside Lathe's data directory/);
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });
});

describe('the Studio API’s deploy.export', () => {
  it('refuses an outPath through a file at once, on the field outPath, starting no job', async () => {
    const { studio, dataDir } = studios.open();
    const { notes } = await setUp(dataDir);
    const outPath = path.join(notes, 'sub', 'tiny.gguf');
    const err = await refusal(studio.call('deploy.export', { modelId: 'tiny', format: 'gguf', dtypes: ['f16'], outPath }));
    expect([err.code, err.message, err.details]).toEqual(['invalid_params', `${outPath}: ${notes} is a file, not a folder; choose a path in a folder (missing folders are created)`, { field: 'outPath', file: outPath }]);
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });

  it('refuses a GGUF outPath that is a file but not a GGUF file at once, on the field outPath, starting no job', async () => {
    const { studio, dataDir } = studios.open();
    const { notes } = await setUp(dataDir);
    // before: a job started and its writer refused the file, telling the Studio's user to choose another '--out'
    const err = await refusal(studio.call('deploy.export', { modelId: 'tiny', format: 'gguf', dtypes: ['f16'], outPath: notes }));
    expect([err.code, err.message, err.details]).toEqual(['invalid_params', `${notes}: this file exists and is not a GGUF file, so it is not replaced (only an earlier GGUF export is replaced without asking); choose a new file`, { field: 'outPath', file: notes }]);
    expect(await studio.call('jobs.list', {})).toEqual([]);
    expect(fs.readFileSync(notes, 'utf8')).toBe('my notes\n');
  });

  it('refuses an ONNX or Hugging Face outPath that holds other files at once, on the field outPath, starting no job', async () => {
    const { studio, dataDir } = studios.open();
    const { out } = await setUp(dataDir);
    for (const format of ['onnx', 'hf'] as const) {
      // before: a job started and failed on it, telling the Studio's user to choose another '--out'
      const err = await refusal(studio.call('deploy.export', { modelId: 'tiny', format, dtypes: ['fp32'], outPath: out }));
      expect([err.code, err.message, err.details]).toEqual(['invalid_params', `${out}: this folder holds other files (notes.txt) and is not an earlier export (no config.json beside .safetensors weights or an onnx/ folder), so it is not replaced; choose a new or empty folder (missing folders are created)`, { field: 'outPath', file: out }]);
    }
    expect(await studio.call('jobs.list', {})).toEqual([]);
    expect(fs.readdirSync(out)).toEqual(['notes.txt']);
  });

  it('refuses dtypes its format does not write at once, on the field dtypes, starting no job', async () => {
    const { studio, dataDir } = studios.open();
    const { notes } = await setUp(dataDir);
    const outPath = path.join(path.dirname(notes), 'fresh');
    // before: accepted, and a job started that failed on them
    for (const [format, dtypes, said] of [
      ['gguf', ['q5_k'], 'GGUF export takes one dtype of f32, f16, q8_0, q4_0; got q5_k'],
      ['gguf', ['f16', 'q8_0'], 'GGUF export takes one dtype of f32, f16, q8_0, q4_0; got f16, q8_0'],
      ['onnx', ['fp32', 'q3'], 'ONNX export takes dtypes among fp32, fp16, q8, int8, q4; got fp32, q3'],
      ['hf', ['q4'], 'Hugging Face export takes one dtype of fp32, fp16, bf16; got q4'],
    ] as const) {
      const err = await refusal(studio.call('deploy.export', { modelId: 'tiny', format, dtypes: [...dtypes], outPath }));
      expect([err.code, err.message, err.details]).toEqual(['invalid_params', `deploy.export: dtypes: ${said}`, expect.objectContaining({ field: 'dtypes' })]);
    }
    expect(await studio.call('jobs.list', {})).toEqual([]);
  });
});
