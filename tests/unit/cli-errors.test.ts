// The CLI's error mapping and argv pre-processing: exit 2 for what the user can fix, 1 for bugs; negative
// numbers read as flag values; project targets checked against the metric's range in the API schema.
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { METRIC_TARGET_RANGES, ProjectInput, ProjectPatch, targetRangeProblem } from '../../native/api/schemas.ts';
import { exitCodeOf, joinNegativeValues } from '../../native/cli.ts';
import { UserError } from '../../native/cli/command.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';

describe('CLI exit codes', () => {
  it('answers 2 for user input errors and 1 only for internal failures', () => {
    expect(exitCodeOf(new UserError('bad flag'))).toBe(2);
    expect(exitCodeOf(new StudioError('invalid_params', 'bad'))).toBe(2);
    expect(exitCodeOf(new StudioError('internal', 'boom'))).toBe(1);
    expect(exitCodeOf(new Error('tok.bin: truncated at token 21 of 512'))).toBe(2);
    expect(exitCodeOf(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(2);
    expect(exitCodeOf(new TypeError("cannot read properties of undefined (reading 'x')"))).toBe(1);
  });
});

describe('negative numbers as flag values', () => {
  const options = { 'memory-mb': { type: 'string' as const }, json: { type: 'boolean' as const } };
  it('joins a negative number to the flag that takes it, leaving other arguments alone', () => {
    expect(joinNegativeValues(['--memory-mb', '-5', '--json'], options)).toEqual(['--memory-mb=-5', '--json']);
    expect(joinNegativeValues(['--memory-mb', '-0.5'], options)).toEqual(['--memory-mb=-0.5']);
    expect(joinNegativeValues(['--json', '-5'], options)).toEqual(['--json', '-5']);
    expect(joinNegativeValues(['--memory-mb', '-h'], options)).toEqual(['--memory-mb', '-h']);
  });
});

describe('project targets', () => {
  it('takes fraction targets in [0, 1] and perplexity targets of 1 or more, naming the target field', () => {
    expect(METRIC_TARGET_RANGES.rougeL).toEqual({ min: 0, max: 1 });
    expect(targetRangeProblem('rougeL', 0.35)).toBeNull();
    expect(targetRangeProblem('perplexity', 12)).toBeNull();
    const bad = ProjectInput.safeParse({ name: 'x', task: 'qa', metric: 'rougeL', target: 7 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['target']);
    expect(bad.error!.issues[0].message).toMatch(/runs from 0 to 1.*rougeL target of 7/);
    expect(ProjectInput.safeParse({ name: 'x', task: 'generation', metric: 'perplexity', target: 0.5 }).success).toBe(false);
    expect(ProjectPatch.safeParse({ metric: 'bleu', target: 30 }).success).toBe(false);
    expect(ProjectPatch.safeParse({ target: 0.4 }).success).toBe(true);
  });
});

describe('runs compared', () => {
  it('refuses the same run named twice, in the API and before the CLI calls it', async () => {
    const { RunIds } = await import('../../native/api/eval.ts');
    expect(RunIds.safeParse(['run_a', 'run_b']).success).toBe(true);
    const twice = RunIds.safeParse(['run_a', 'run_b', 'run_a']);
    expect(twice.success).toBe(false);
    expect(twice.error!.issues[0].message).toBe('run run_a is given twice; name each run once');
    const { code, stderr } = await latheInProcess(['runs', 'compare', 'run_a', 'run_a'], path.join(os.tmpdir(), `lathe-compare-twice-${process.pid}`));
    expect(code).toBe(2);
    expect(stderr).toContain('lathe runs compare: run run_a is given twice; name each run once.\nUsage: lathe runs compare');
  });
});
