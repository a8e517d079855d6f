// Every number flag of the CLI is read by one of two parsers (options.ts): whole numbers in decimal digits only,
// and decimals that may use exponent notation (--lr 3e-4). Number() alone read '0x10' as 16, '1e3' as 1000 and
// ' 80' or '' as numbers, so `--max-steps 0x10` trained 16 steps; each command below refused none of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrainStartInput } from '../../native/api/train.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { parseTemplate } from '../../native/cli/eval.ts';
import { UserError } from '../../native/cli/command.ts';
import { decimalFlagValue, integerFlagValue, numberFieldRule, numberFields } from '../../native/cli/options.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-number-flags-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('integerFlagValue', () => {
  it.each([
    ['16', {}, 16], ['0', { min: 0 }, 0], ['007', { min: 1 }, 7], ['-3', {}, -3], ['-3', { min: -5 }, -3], ['256', { min: 1, max: 256 }, 256],
  ])('takes %j in %j as %d', (raw, range, n) => {
    expect(integerFlagValue('x', raw, range, 'u')).toBe(n);
  });

  it.each([
    ['0x10', { min: 1 }, "--x must be a whole number of 1 or more; got '0x10' (decimal digits only)."],
    ['1e3', { min: 1 }, "--x must be a whole number of 1 or more; got '1e3' (decimal digits only)."],
    [' 80', {}, "--x must be a whole number; got ' 80' (decimal digits only)."],
    ['80 ', {}, "--x must be a whole number; got '80 ' (decimal digits only)."],
    ['', { min: 0 }, "--x must be a whole number of 0 or more; got '' (decimal digits only)."],
    ['0b11', {}, "--x must be a whole number; got '0b11' (decimal digits only)."],
    ['0o7', {}, "--x must be a whole number; got '0o7' (decimal digits only)."],
    ['1_000', {}, "--x must be a whole number; got '1_000' (decimal digits only)."],
    ['Infinity', {}, "--x must be a whole number; got 'Infinity' (decimal digits only)."],
    ['16.0', {}, "--x must be a whole number; got '16.0'."],
    ['2.5', { min: 0, note: '0 = off' }, "--x must be a whole number of 0 or more (0 = off); got '2.5'."],
    ['-1', { min: 0 }, "--x must be a whole number of 0 or more; got '-1'."],
    ['+5', { min: 0 }, "--x must be a whole number of 0 or more; got '+5'."],
    ['0', { min: 1, max: 256 }, "--x must be a whole number from 1 to 256; got '0'."],
    ['257', { min: 1, max: 256 }, "--x must be a whole number from 1 to 256; got '257'."],
    ['99999999999999999999', {}, "--x must be a whole number; got '99999999999999999999'."],
  ])('refuses %j in %j: %s', (raw, range, message) => {
    expect(() => integerFlagValue('x', raw, range, 'u')).toThrow(new UserError(`${message}\nUsage: u`));
  });
});

describe('--template few-shot:K', () => {
  it.each([['few-shot:2', 2], ['few-shot:16', 16], ['few-shot:007', 7], ['one-shot', 1], ['zero-shot', 0], [undefined, 0]] as const)('reads %j as %d shots', (raw, shots) => {
    expect(parseTemplate(raw)).toBe(shots);
  });
});

describe('decimalFlagValue', () => {
  it.each([['3e-4', 3e-4], ['0.5', 0.5], ['.5', 0.5], ['5.', 5], ['-2', -2], ['+1.5', 1.5], ['1E+3', 1000], ['0', 0]])('takes %j as %d', (raw, n) => {
    expect(decimalFlagValue('lr', raw, 'u')).toBe(n);
  });

  it.each(['0x10', '', ' ', ' 0.5', '0.5 ', 'Infinity', 'NaN', '1e', '0b1', 'abc', '1,5', '--1', '1e400'])('refuses %j', (raw) => {
    expect(() => decimalFlagValue('lr', raw, 'u')).toThrow(new UserError(`--lr must be a number; got '${raw}' (write it in decimals, such as 0.5 or 3e-4).\nUsage: u`));
  });
});

describe('number fields read from the API schema', () => {
  it('knows whole-number fields and their bounds, exclusive ones included', () => {
    expect(numberFieldRule(TrainStartInput.shape.seqLen)).toEqual({ integer: true, range: { min: 2, max: 131072 } });
    expect(numberFieldRule(TrainStartInput.shape.maxSteps)).toEqual({ integer: true, range: { min: 1 } });
    expect(numberFieldRule(TrainStartInput.shape.seed)).toEqual({ integer: true, range: {} });
    expect(numberFieldRule(TrainStartInput.shape.lr)?.integer).toBe(false);
    expect(numberFieldRule(TrainStartInput.shape.model)).toBeUndefined();
  });

  it('refuses a flag that fills no number field (a NUMBERS table out of step with its schema)', () => {
    expect(() => numberFields({}, { 'max-step': 'maxStep' }, 'u', TrainStartInput.shape)).toThrow(/--max-step fills 'maxStep', which is not a number field/);
  });
});

const lathe = (args: string[]) => latheInProcess(args, dataDir);

const TRAIN = ['train', '--model', 'm', '--dataset', 'd'];

describe('every command refuses integer flags written other than in decimal digits, naming flag, value and range', () => {
  it.each([
    [[...TRAIN, '--max-steps', '0x10'], "--max-steps must be a whole number of 1 or more; got '0x10'"],
    [[...TRAIN, '--max-steps', '1e3'], "--max-steps must be a whole number of 1 or more; got '1e3'"],
    [[...TRAIN, '--batch-size', ' 80'], "--batch-size must be a whole number from 1 to 1024; got ' 80'"],
    [[...TRAIN, '--seq-len', '1e3'], "--seq-len must be a whole number from 2 to 131072; got '1e3'"],
    [[...TRAIN, '--rank', '0x8'], "--rank must be a whole number from 1 to 1024; got '0x8'"],
    [[...TRAIN, '--lr', '0x1'], "--lr must be a number; got '0x1'"],
    [[...TRAIN, '--lr', ''], "--lr must be a number; got ''"],
    [['train', '--resume', 'r', '--threads', '1e1'], "--threads must be a whole number from 1 to 256; got '1e1'"],
    [['align', 'dpo', '--model', 'm', '--dataset', 'd', '--max-prompt-len', '0x40'], "--max-prompt-len must be a whole number"],
    [['align', 'ppo', '--model', 'm', '--reward-run', 'r', '--dataset', 'd', '--max-new-tokens', '1e1'], "--max-new-tokens must be a whole number"],
    [['align', 'ppo', '--model', 'm', '--reward-run', 'r', '--dataset', 'd', '--steps', '0x10'], "--steps must be a whole number"],
    [['align', 'reward', '--model', 'm', '--dataset', 'd', '--eval-every', ' 5'], "--eval-every must be a whole number of 0 or more; got ' 5'"],
    [['pretrain', '--corpus', 'c.txt', '--layers', '1e1'], "--layers must be a whole number"],
    [['generate', '--model', 'm', '--prompt', 'p', '--top-k', '0x10'], "--top-k must be a whole number of 0 or more (0 = off); got '0x10'"],
    [['generate', '--model', 'm', '--prompt', 'p', '--logprobs', '1e1'], "--logprobs must be a whole number of 0 or more (0 = off); got '1e1'"],
    [['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--limit', '1e3'], "--limit must be a whole number of 1 or more; got '1e3'"],
    // K of --template few-shot:K is read by the same parser (a pattern of its own refused these in other words)
    ...[['2x', "'2x' (decimal digits only)"], ['0', "'0'"], ['-1', "'-1'"], ['', "'' (decimal digits only)"], ['0x2', "'0x2' (decimal digits only)"], ['17', "'17'"]].map(([k, got]) => [
      ['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--template', `few-shot:${k}`],
      `--template few-shot:K must be a whole number from 1 to 16 (for no examples, write --template zero-shot); got ${got}.`,
    ] as [string[], string]),
    [['jobs', 'list', '--limit', '0x10'], "--limit must be a whole number from 1 to 500; got '0x10'"],
    [['runs', 'compare', 'a', 'b', '--examples', '1e1'], "--examples must be a whole number of 0 or more; got '1e1'"],
    [['dataset', 'show', 'x', '--rows', '0x5'], "--rows must be a whole number from 0 to 500; got '0x5'"],
    [['dataset', 'import', 'f.jsonl', '--name', 'n', '--seed', '0x1'], "--seed must be a whole number; got '0x1'"],
    [['metrics', 'chrf', '--pred', 'p', '--ref', 'r', '--word-order', '2e0'], "--word-order must be a whole number of 0 or more (0 for chrF, 2 for chrF++); got '2e0'"],
    [['metrics', 'rouge', '--pred', 'p', '--ref', 'r', '--seed', ' 1'], "--seed must be a whole number; got ' 1'"],
    [['metrics', 'bleu', '--pred', 'p', '--ref', 'r', '--smooth-value', '0x1'], "--smooth-value must be a number; got '0x1'"],
    [['project', 'create', '--name', 'p', '--task', 'qa', '--memory-mb', '0x10'], "--memory-mb must be a whole number of 1 or more (megabytes); got '0x10'"],
    [['project', 'create', '--name', 'p', '--task', 'qa', '--target', '0x1'], "--target must be a number; got '0x1'"],
    [['serve', '--port', '0x50'], "--port must be a whole number from 0 to 65535 (0 picks a free one); got '0x50'"],
    [['serve-api', '--model', 'm', '--slots', '1e1'], "--slots must be a whole number of 1 or more; got '1e1'"],
    [['docs', 'search', 'c', 'q', '--k', '0x3'], "--k must be a whole number of 1 or more; got '0x3'"],
    [['docs', 'create', 'c', '--chunk-tokens', '1e3'], "--chunk-tokens must be a whole number from 8 to 8192; got '1e3'"],
    [['quantize', '--model', 'm', '--accuracy-level', '0x4'], "--accuracy-level must be a whole number from 0 to 4 (MatMulNBits' accuracy_level); got '0x4'"],
  ])('lathe %j', async (args, message) => {
    const { code, stderr } = await lathe(args);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
  });

  it('keeps decimals and exponent notation for decimal flags: --lr 3e-4 is read, and the run fails later for the unknown model', async () => {
    const { code, stderr } = await lathe([...TRAIN, '--lr', '3e-4', '--max-steps', '16']);
    expect(stderr).not.toContain('--lr');
    expect(stderr).toMatch(/model/);
    expect(code).toBe(2);
  });
});
