// Every command warns one way (CliContext.warn): 'warning: …' on stderr, with --json too, where stdout stays the JSON
// answer. Training used to print 'warn: …', and it, eval and dataset import dropped their warnings under --json.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const STORIES = path.resolve(import.meta.dirname, '../../../shared/data/models/stories260K');
const DPO_DEMO = path.resolve(import.meta.dirname, '../../../shared/data/datasets/preferences/dpo_en_demo.json');
const HAS_STORIES = fs.existsSync(path.join(STORIES, 'stories260K.bin'));

let dataDir = '';
let filesDir = '';

/** A dialogue far longer than stories260K's 512-token context, so its prompt is cut. */
const LONG = Array.from({ length: 40 }, () => '#Person1#: Once upon a time there was a little girl who liked to play.').join(' ');

beforeAll(() => {
  dataDir = tempDir('cli-warnings');
  filesDir = tempDir('cli-warnings-files');
  const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ dialogue: `${LONG} ${i}`, summary1: `A girl played ${i}.` }));
  // two lines that are not rows: --skip-invalid imports the rest and warns of them
  fs.writeFileSync(path.join(filesDir, 'long.jsonl'), `${rows.join('\n')}\n{"dialogue": "x"\nnot json\n`);
});

afterAll(() => {
  for (const dir of [dataDir, filesDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** stdout parsed as the JSON answer, failing with both streams when it is not JSON. */
function jsonOf(r: { stdout: string; stderr: string }): Record<string, unknown> {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not JSON:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

describe('warnings', () => {
  it('dataset import warns of skipped rows as "warning:" on stderr, with --json too, and stdout stays JSON', async () => {
    const r = await inProcessLathe(dataDir, ['--json', 'dataset', 'import', path.join(filesDir, 'long.jsonl'), '--name', 'long', '--skip-invalid', '--split', '0.5,0,0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOf(r).name).toBe('long');
    expect(r.stderr).toMatch(/^warning: skipped 2 invalid rows \(see .*skipped\.jsonl\)$/m);
    const human = await inProcessLathe(dataDir, ['dataset', 'import', path.join(filesDir, 'long.jsonl'), '--name', 'long-2', '--skip-invalid']);
    expect(human.stderr).toMatch(/^warning: skipped 2 invalid rows/m);
    expect(human.stdout).not.toMatch(/^warning:/m);
  });

  describe.skipIf(!HAS_STORIES)('with stories260K', () => {
    beforeAll(async () => {
      const r = await inProcessLathe(dataDir, ['model', 'import-llama2c', path.join(STORIES, 'stories260K.bin'), '--tokenizer', path.join(STORIES, 'tok512.bin'), '--name', 's260k']);
      expect(r.code, r.stderr).toBe(0);
    }, 60_000);

    it('eval warns of cut prompts under --json too, naming the predictions file that holds truncatedTokens and the prompt read', async () => {
      const r = await inProcessLathe(dataDir, ['--json', 'eval', '--model', 's260k', '--dataset', 'long', '--metrics', 'rouge', '--limit', '1', '--max-new-tokens', '2', '--threads', '1']);
      expect(r.code, r.stderr).toBe(0);
      const predictions = jsonOf(r).predictionsPath as string;
      expect(fs.existsSync(predictions)).toBe(true);
      const warning = r.stderr.split('\n').find((l) => l.includes('was cut to fit'));
      expect(warning, r.stderr).toBe(`warning: the middle of 1 of 1 prompt was cut to fit the model's context, keeping each one's start (the instruction) and end (the cue to answer) as fine-tuning does; each example's truncatedTokens in its predictions file says how many tokens it lost, and its prompt what the model read: ${predictions}`);
      const example = JSON.parse(fs.readFileSync(predictions, 'utf8').split('\n')[0]) as { truncatedTokens: number; promptTokens: number; prompt: string; promptCutAt: number };
      expect(example.truncatedTokens).toBeGreaterThan(0);
      expect(example.promptTokens).toBe(512 - 2); // the context less --max-new-tokens, reserved for the answer
      // what the model read: the prompt's start and end, its middle gone at promptCutAt
      expect(example.promptCutAt).toBeGreaterThan(0);
      expect(example.prompt.length).toBeGreaterThan(example.promptCutAt);
    }, 60_000);

    it('training warns as "warning:", not "warn:", and keeps its warnings under --json', async () => {
      const args = ['train', '--model', 's260k', '--dataset', 'long', '--max-steps', '1', '--seq-len', '32', '--batch-size', '2', '--eval-every', '0', '--threads', '1', '--no-merge'];
      const r = await inProcessLathe(dataDir, ['--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOf(r).status).toBe('completed');
      // the outcome records the model's context, which the run view's cut warning weighs against the sequence length
      expect(jsonOf(r).modelContext).toBe(512);
      // what was cut, and what keeps more: the flag and how far it goes (the warning stopped at 'were cut')
      expect(r.stderr).toMatch(/^warning: \d+ of \d+ examples are longer than 32 tokens and were cut \(a long prompt loses its middle, a completion longer than half the window its end\); a longer sequence length \(--seq-len, “Sequence length” in the studio\) keeps more of them, up to 512, the model's context$/m);
      expect(r.stderr).not.toMatch(/^warn: /m);
    }, 90_000);

    it("DPO's warning of pairs cut to the sequence length says what was cut and names --seq-len", async () => {
      let r = await inProcessLathe(dataDir, ['dataset', 'import', DPO_DEMO, '--name', 'pairs', '--split', '0.1,0.05,0.85']);
      expect(r.code, r.stderr).toBe(0);
      r = await inProcessLathe(dataDir, ['align', 'dpo', '--model', 's260k', '--dataset', 'pairs', '--max-steps', '1', '--batch-size', '1', '--seq-len', '32', '--eval-every', '0', '--threads', '1', '--no-merge']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^warning: \d+ pairs are longer than 32 tokens and were cut \(a response that does not fit after its prompt loses its end\); a longer sequence length \(--seq-len, “Sequence length” in the studio\) keeps more of them, up to 512, the model's context$/m);
    }, 120_000);
  });
});
