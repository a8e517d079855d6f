// A command given a file or folder that is not there is refused before it writes anything: no data directory is made,
// no lathe.db, no run folder. `lathe pretrain --corpus nope.txt` (and merge, export and eval with a mistyped
// --adapter, serve with a mistyped --renderer-dir) made the data directory and its lathe.db first, then refused. Each
// says the path is missing in the one wording (models/atomic.ts' fileProblem: 'no such file; check the path').
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

const NO_ADAPTER = 'no such folder; give the folder of a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)';

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

  it('an adapter path that is a file, or a folder without adapter_config.json, is refused the same way', async () => {
    const file = path.join(root, 'adapter.safetensors');
    fs.writeFileSync(file, '');
    const empty = path.join(root, 'empty-adapter');
    fs.mkdirSync(empty, { recursive: true });
    expect(await refusedCleanly(['export', '--model', 'm', '--adapter', file])).toEqual({ code: 2, stderr: expect.stringContaining(`lathe export: --adapter ${file} is a file; give the folder of a PEFT LoRA adapter`), dataDirMade: false });
    expect(await refusedCleanly(['merge', '--model', 'm', '--adapter', empty, '--out', path.join(root, 'merged')])).toEqual({ code: 2, stderr: expect.stringContaining(`lathe merge: --adapter ${empty}: no adapter_config.json`), dataDirMade: false });
  });
});
