// A command given a file or folder that is not there is refused before it writes anything: no data directory is made,
// no lathe.db, no run folder. `lathe pretrain --corpus nope.txt` (and merge, export and eval with a mistyped
// --adapter, serve with a mistyped --renderer-dir) made the data directory and its lathe.db first, then refused. Each
// says the path is missing in the one wording (store/near-files.ts' noSuchPath: 'no such file; check the path'). A model
// flag (--model, --embed-model, --judge…) given a path that is not there is refused so too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-missing-inputs-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const missing = (name: string) => path.join(root, 'not-here', name);

let fresh = 0;
/** The command run against a data directory that does not exist yet: its answer, and whether the directory is still absent. */
async function refusedCleanly(args: string[]): Promise<{ code: number; stderr: string; dataDirMade: boolean }> {
  const dataDir = path.join(root, `data-${++fresh}`);
  const r = await latheInProcess(args, dataDir);
  return { code: r.code, stderr: r.stderr.split('\nUsage:')[0], dataDirMade: fs.existsSync(dataDir) };
}

const NO_ADAPTER = 'no such folder; check the path of the PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)';

describe('a missing input path is refused before anything is written', () => {
  const cases: [string, string[], string][] = [
    ['pretrain --corpus', ['pretrain', '--corpus', missing('corpus.txt')], `lathe pretrain: --corpus: corpus file ${missing('corpus.txt')}: no such file; check the path`],
    ['pretrain --corpus with --project', ['pretrain', '--corpus', missing('corpus.txt'), '--project', 'p'], `lathe pretrain: --corpus: corpus file ${missing('corpus.txt')}: no such file; check the path`],
    ['merge --adapter', ['merge', '--model', 'm', '--adapter', missing('adapter'), '--name', 'merged'], `lathe merge: --adapter ${missing('adapter')}: ${NO_ADAPTER}`],
    ['export --adapter (gguf)', ['export', '--model', 'm', '--adapter', missing('adapter')], `lathe export: --adapter ${missing('adapter')}: ${NO_ADAPTER}`],
    ['export --adapter (hf)', ['export', '--model', 'm', '--format', 'hf', '--adapter', missing('adapter')], `lathe export: --adapter ${missing('adapter')}: ${NO_ADAPTER}`],
    ['eval --adapter', ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--adapter', missing('adapter')], `lathe eval: --adapter ${missing('adapter')}: ${NO_ADAPTER}`],
    ['serve --renderer-dir', ['serve', '--renderer-dir', missing('renderer')], `lathe serve: --renderer-dir ${missing('renderer')}: no such folder; check the path`],
    ['eval --prompt', ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--prompt', missing('p.json')], `lathe eval: --prompt ${missing('p.json')}: no such file; check the path`],
    ['eval --rubric-file', ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'judge', '--judge', 'm', '--rubric-file', missing('r.txt')], `lathe eval: --rubric-file ${missing('r.txt')}: no such file; check the path`],
    ['quantize --text', ['quantize', '--model', 'm', '--report', '--text', missing('t.txt')], `lathe quantize: --text ${missing('t.txt')}: no such file; check the path`],
    ['metrics rouge --pred', ['metrics', 'rouge', '--pred', missing('pred.txt'), '--ref', missing('ref.txt')], `lathe metrics rouge: ${missing('pred.txt')}: no such file; check the path`],
    ['model import-gguf', ['model', 'import-gguf', missing('m.gguf'), '--name', 'm'], `lathe model import-gguf: ${missing('m.gguf')}: no such file; check the path`],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: refused, no data directory made`, async () => {
      expect(await refusedCleanly(args)).toEqual({ code: 2, stderr: message, dataDirMade: false });
    });
  }

  it('dataset import, model import and docs add (which checked first already) still do', async () => {
    for (const args of [
      ['dataset', 'import', missing('d.jsonl'), '--name', 'd'],
      ['model', 'import', missing('folder'), '--name', 'm'],
      ['model', 'import-llama2c', missing('c.bin'), '--tokenizer', missing('t.bin'), '--name', 'm'],
      ['docs', 'add', 'c', missing('doc.md')],
    ]) {
      const r = await refusedCleanly(args);
      expect([r.code, r.stderr, r.dataDirMade]).toEqual([2, expect.stringMatching(/no such (file|folder)/), false]);
    }
  });

  // `lathe generate --model /nope/x` made the data directory, then said "no model named '/nope/x' (no models yet)"
  const NO_FOLDER = 'no such folder; check the path';
  const modelPathCases: [string, string[], string][] = [
    ['generate --model', ['generate', '--model', missing('model'), '--prompt', 'hi'], `lathe generate: --model ${missing('model')}: ${NO_FOLDER}`],
    ['docs add --embed-model', ['docs', 'add', 'c', root, '--embed-model', missing('embedder')], `lathe docs add: --embed-model ${missing('embedder')}: ${NO_FOLDER}`],
    ['docs create --tokenizer (relative)', ['docs', 'create', 'c', '--tokenizer', './not-here/tok'], `lathe docs create: --tokenizer ./not-here/tok: ${NO_FOLDER}`],
    ['ask --model', ['ask', '--model', '~/not-here', '--collection', 'c', 'why?'], `lathe ask: --model ~/not-here: ${NO_FOLDER}`],
    ['eval --judge', ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'judge', '--judge', missing('judge')], `lathe eval: --judge ${missing('judge')}: ${NO_FOLDER}`],
    ['train --model', ['train', '--model', missing('base'), '--dataset', 'd'], `lathe train: --model ${missing('base')}: ${NO_FOLDER}`],
    ['align ppo --model', ['align', 'ppo', '--model', missing('policy'), '--reward-run', 'r', '--dataset', 'd'], `lathe align ppo: --model ${missing('policy')}: ${NO_FOLDER}`],
    ['quantize --model', ['quantize', '--model', missing('m'), '--report'], `lathe quantize: --model ${missing('m')}: ${NO_FOLDER}`],
    ['serve-api --model, a name with a slash and no store yet', ['serve-api', '--model', 'team/llama'], `lathe serve-api: --model team/llama: ${NO_FOLDER}`],
  ];
  for (const [what, args, message] of modelPathCases) {
    it(`${what}: a model flag's missing path is refused, no data directory made`, async () => {
      expect(await refusedCleanly(args)).toEqual({ code: 2, stderr: message, dataDirMade: false });
    });
  }

  it('a model name with a slash is looked up in a store that exists (a model may be named team/llama)', async () => {
    const dataDir = path.join(root, 'data-with-store');
    expect((await latheInProcess(['project', 'list'], dataDir)).code).toBe(0);
    const r = await latheInProcess(['generate', '--model', 'team/llama', '--prompt', 'hi'], dataDir);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("no model named 'team/llama'")]);
    // a path-shaped value is refused as a path, store or not
    const p = await latheInProcess(['generate', '--model', './team/llama', '--prompt', 'hi'], dataDir);
    expect([p.code, p.stderr]).toEqual([2, `lathe generate: --model ./team/llama: ${NO_FOLDER}`]);
  });

  it('an adapter path that is a file, or a folder without adapter_config.json, is refused the same way', async () => {
    const file = path.join(root, 'adapter.safetensors');
    fs.writeFileSync(file, '');
    const empty = path.join(root, 'empty-adapter');
    fs.mkdirSync(empty, { recursive: true });
    expect(await refusedCleanly(['export', '--model', 'm', '--adapter', file])).toEqual({ code: 2, stderr: expect.stringContaining(`lathe export: --adapter ${file} is a file; give the folder of a PEFT LoRA adapter`), dataDirMade: false });
    expect(await refusedCleanly(['merge', '--model', 'm', '--adapter', empty, '--out', path.join(root, 'merged')])).toEqual({ code: 2, stderr: expect.stringContaining(`lathe merge: --adapter ${empty}: no adapter_config.json`), dataDirMade: false });
  });
});
