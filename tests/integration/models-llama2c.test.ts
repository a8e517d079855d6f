// stories260K end to end: `lathe model import-llama2c`, then greedy `lathe generate`, checked against a
// PyTorch transcription of llama2.c's run.c that reads the .bin as stored (interleaved-pair RoPE, no
// permutation) — so a wrong q/k permutation on import, or any layout slip, shows up as different tokens.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { CausalLM } from '../../native/models/decoder.ts';
import { findModel } from '../../native/models/registry.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';

const DIR = '../shared/data/models/stories260K';
const CKPT = `${DIR}/stories260K.bin`;
const TOK = `${DIR}/tok512.bin`;
const noData = fs.existsSync(CKPT) ? '' : `${CKPT} is absent (the shared data kit is not mounted)`;
const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch']).status === 0;
if (noData) console.log(`skipping models-llama2c: ${noData}`);
if (!noData && !torch) console.log('skipping the run.c reference comparison in models-llama2c: PyTorch is not importable by /usr/bin/python3');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-llama2c-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
/** `lathe ARGS` (in process): its stdout, or an error with its stderr when it fails. */
async function lathe(...args: string[]): Promise<string> {
  const r = await inProcessLathe(dataDir, args);
  if (r.code !== 0) throw new Error(`lathe ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(Boolean(noData))('llama2.c stories260K', () => {
  const PROMPT = 'Once upon a time';
  const STEPS = 60;
  it('imports, generates a greedy continuation through the CLI, and matches run.c token for token', async () => {
    await lathe('model', 'import-llama2c', CKPT, '--tokenizer', TOK, '--name', 's260k');
    expect(JSON.parse(await lathe('model', 'list', '--json')).map((m: { name: string }) => m.name)).toEqual(['s260k']);
    const out = JSON.parse(await lathe('generate', '--threads', '1', '--model', 's260k', '--prompt', PROMPT, '--temperature', '0', '--max-new-tokens', String(STEPS), '--json'));
    expect(out.settings.strategy).toBe('greedy');
    expect(out.text.length).toBeGreaterThan(100);
    const plain = await lathe('generate', '--threads', '1', '--model', 's260k', '--prompt', PROMPT, '--temperature', '0', '--max-new-tokens', String(STEPS));
    expect(plain.trimEnd()).toBe(out.text.trimEnd()); // only the continuation is printed
    console.log(`stories260K greedy: ${PROMPT}${out.text}`);
    if (!torch) return;

    const prompt = new Llama2cTokenizer(fs.readFileSync(TOK), 512).encode(PROMPT);
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['tests/reference/llama2c_forward.py', CKPT, String(STEPS)], { input: JSON.stringify(prompt) }).toString()) as { tokens: number[]; logits0: number[] };
    expect(out.tokenIds.filter((id: number) => id !== 1)).toEqual(ref.tokens);
    // And the first next-token logits agree numerically.
    const lm = await CausalLM.load(findModel(dataDir, 's260k').path, { intraOpNumThreads: 1 });
    const r = await lm.forward([prompt], [prompt.map(() => 1)], lm.emptyCache(1));
    const last = r.logits.slice((prompt.length - 1) * 512);
    expect(Math.max(...ref.logits0.map((x, i) => Math.abs(x - last[i])))).toBeLessThan(1e-4);
    await lm.release();
  });

  it('rejects a second model with the same name and a tokenizer that does not fit', async () => {
    await expect(lathe('model', 'import-llama2c', CKPT, '--tokenizer', TOK, '--name', 's260k')).rejects.toThrow(/already exists/);
    await expect(lathe('model', 'import-llama2c', TOK, '--tokenizer', TOK, '--name', 'bad')).rejects.toThrow(/tok512.bin: header field hiddenDim = 0 is implausible; is this a llama2.c checkpoint \(not its tokenizer file, which --tokenizer takes\)/);
  });
});
