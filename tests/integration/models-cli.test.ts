// `lathe model import|inspect|list` and `lathe generate` on a tiny random GPT-2 folder: the registry records
// it, inspect counts its parameters, sampling is reproducible by seed, bad folders leave nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import type { CliResult } from './helpers/lathe.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-model-cli-'));
const dataDir = path.join(tmp, 'data');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function lathe(...args: string[]): Promise<CliResult> {
  return inProcessLathe(dataDir, args);
}

const tensors = randomTensors(CONFIGS.gpt2, 11);
const total = [...tensors.values()].reduce((s, t) => s + t.data.length, 0);

beforeAll(async () => {
  const { tokenizer, tokenizerConfig } = charTokenizer(57);
  await writeHfFolder(path.join(tmp, 'gpt2'), { config: CONFIGS.gpt2, tensors, tokenizer, tokenizerConfig, generationConfig: { eos_token_id: 56 } });
  const broken = new Map(tensors);
  broken.delete('h.1.mlp.c_fc.bias');
  await writeHfFolder(path.join(tmp, 'broken'), { config: CONFIGS.gpt2, tensors: broken, tokenizer, tokenizerConfig });
});

describe('lathe model / generate', () => {
  it('imports, lists and inspects an HF folder', async () => {
    const imported = JSON.parse((await lathe('model', 'import', path.join(tmp, 'gpt2'), '--name', 'tiny', '--json')).stdout);
    expect(imported).toMatchObject({ name: 'tiny', architecture: 'GPT2LMHeadModel', parameterCount: total });
    expect(fs.readdirSync(imported.path).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(path.dirname(imported.path)).toBe(path.join(dataDir, 'models'));
    const info = JSON.parse((await lathe('model', 'inspect', 'tiny', '--json')).stdout);
    const p = info.parameters;
    expect(p.total).toBe(total);
    expect(p.embeddings + p.attention + p.mlp + p.norms + p.head).toBe(total);
    expect(info.memory.inference.fp32).toBeGreaterThan(4 * total);
    expect(info.memory.fullFineTune.fp32).toBe(16 * total);
    expect((await lathe('model', 'inspect', 'tiny')).stdout).toMatch(/Parameters by component:[\s\S]*attention[\s\S]*Memory/);
    expect((await lathe('model', 'list')).stdout).toMatch(/^ID\s+NAME\s+USE.*\nmdl_\S+\s+tiny\s/);
  });

  it('samples reproducibly by seed, and runs beam search', async () => {
    const args = ['generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '8', '--temperature', '0.9', '--seed', '4', '--json'];
    const a = JSON.parse((await lathe(...args)).stdout);
    const b = JSON.parse((await lathe(...args)).stdout);
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(a.tokenIds.length).toBeGreaterThan(0);
    expect(a.timing.timeToFirstTokenMs).toBeGreaterThan(0);
    const beam = JSON.parse((await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '6', '--num-beams', '3', '--json')).stdout);
    expect(beam.settings.strategy).toBe('beam');
    expect(typeof beam.score).toBe('number');
    const plain = await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '6', '--temperature', '0');
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toMatch(/only when sampling/);
    expect(a.settings.strategy).toBe('sample');
    expect((await lathe(...args)).stderr).not.toMatch(/only when sampling/);
  });

  // sampling flags on a decode that does not sample were ignored without a word
  it('says once, on stderr, which sampling flags a greedy or beam decode leaves unused', async () => {
    const greedy = await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '4', '--top-p', '0.9', '--seed', '7');
    expect(greedy.code).toBe(0);
    expect(greedy.stderr.match(/only when sampling/g)).toHaveLength(1);
    expect(greedy.stderr).toContain('warning: --top-p, --seed apply only when sampling, and this decodes greedily: add --temperature above 0 (e.g. --temperature 0.8) to sample');
    const beam = await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '4', '--num-beams', '2', '--top-k', '5', '--json');
    expect(beam.code).toBe(0);
    expect(beam.stderr).toContain('warning: --top-k applies only when sampling, and beam search (--num-beams above 1) does not sample');
  });

  // --logprobs printed nothing in text mode (only --json had them), though its help promised them
  it('prints each step’s log-probabilities and likeliest tokens after the streamed text with --logprobs N', async () => {
    const args = ['generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '4', '--logprobs', '3'];
    const json = JSON.parse((await lathe(...args, '--json')).stdout) as { text: string; logprobs: { id: number; logprob: number; top: { id: number }[] }[] };
    const text = await lathe(...args);
    expect(text.code, text.stderr).toBe(0);
    const [continuation, table] = text.stdout.split('\n\n');
    expect(continuation).toBe(json.text);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe(`log-probabilities of the ${json.logprobs.length} generated tokens (natural log; the 3 likeliest tokens at each step, most likely first):`);
    expect(lines[1]).toMatch(/^STEP\s+TOKEN\s+LOGPROB\s+3 LIKELIEST$/);
    expect(lines.slice(2)).toHaveLength(json.logprobs.length);
    lines.slice(2).forEach((line, i) => {
      // greedy by default: the token chosen is the likeliest, so it leads its step's alternatives, three of them
      expect(line).toMatch(new RegExp(`^\\s*${i + 1}  "(?:[^"\\\\]|\\\\.)*"\\s+${json.logprobs[i].logprob.toFixed(4)}  (?:"(?:[^"\\\\]|\\\\.)*" -?\\d+\\.\\d{4}(?:, |$)){3}`));
      expect(json.logprobs[i].top[0].id).toBe(json.logprobs[i].id);
    });
    // without --logprobs, the text alone
    expect((await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'hello', '--max-new-tokens', '4')).stdout).toBe(`${json.text}\n`);
  });

  it('refuses a prompt that fills the context and stops an answer where the context ends (the model has 32 positions)', async () => {
    // once it generated past position 32 without a word: noise from positions the model never saw
    const full = await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'a'.repeat(32), '--max-new-tokens', '4');
    expect(full.code).toBe(2);
    expect(full.stderr).toContain('lathe generate: the prompt is 32 tokens but tiny reads at most 32, answer included; shorten the prompt');
    const args = ['generate', '--threads', '1', '--model', 'tiny', '--prompt', 'a'.repeat(29), '--max-new-tokens', '8', '--temperature', '0'];
    const cut = await lathe(...args, '--json');
    expect(cut.code, cut.stderr).toBe(0);
    expect(JSON.parse(cut.stdout).tokenIds.length).toBeLessThanOrEqual(3);
    const told = await lathe(...args);
    expect(told.stderr).toContain("the prompt's 29 tokens leave room for 3 new tokens in tiny's 32-token context (8 asked): the answer stops there");
  });

  it('reports bad settings and bad folders to the user, leaving nothing behind', async () => {
    const bad = await lathe('generate', '--threads', '1', '--model', 'tiny', '--prompt', 'x', '--top-p', '2', '--temperature', '1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--top-p must be a number more than 0 and 1 or less (1 = off); got '2'.");
    expect((await lathe('generate', '--threads', '1', '--model', 'nope', '--prompt', 'x')).stderr).toMatch(/no model named 'nope' \(models: tiny\)/);
    const broken = await lathe('model', 'import', path.join(tmp, 'broken'), '--name', 'broken');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/lack 'h.1.mlp.c_fc.bias'/);
    const missing = await lathe('model', 'import', path.join(tmp, 'no-such-model'), '--name', 'm');
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/no-such-model: no such folder; check the path/)]);
    const gguf = path.join(tmp, 'tiny.q8_0.gguf');
    fs.writeFileSync(gguf, 'GGUF');
    const file = await lathe('model', 'import', gguf, '--name', 'm');
    expect([file.code, file.stderr]).toEqual([2, expect.stringMatching(/tiny\.q8_0\.gguf: not a folder; .* a GGUF file is imported with 'lathe model import-gguf \S*tiny\.q8_0\.gguf --name N'/)]);
    const folderAsFile = await lathe('model', 'import-llama2c', gguf, '--tokenizer', tmp, '--name', 'm');
    expect([folderAsFile.code, folderAsFile.stderr]).toEqual([2, expect.stringMatching(/ is a folder; give the tokenizer \(--tokenizer TOK\.bin\) file itself/)]);
    // a path that does not exist: which file it is, and what to check
    const noTokenizer = await lathe('model', 'import-llama2c', gguf, '--tokenizer', path.join(tmp, 'tok.bin'), '--name', 'm');
    expect([noTokenizer.code, noTokenizer.stderr]).toEqual([2, expect.stringMatching(/tok\.bin: no such file; check the path of the tokenizer \(--tokenizer TOK\.bin\)/)]);
    const noGguf = await lathe('model', 'import-gguf', path.join(tmp, 'nope.gguf'), '--name', 'm');
    expect([noGguf.code, noGguf.stderr]).toEqual([2, expect.stringMatching(/nope\.gguf: no such file; check the path\n/)]);
    expect(fs.readdirSync(path.join(dataDir, 'models')).length).toBe(1);
  });
});
