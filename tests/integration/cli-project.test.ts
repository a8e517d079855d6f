// `lathe project …` as a user runs it: commands run one after another (in this process) on a shared data directory.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Project } from '../../native/api/schemas.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-project');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('lathe project', () => {
  it('creates a project that later commands list and show', async () => {
    const created = await inProcessLathe(dataDir, ['project', 'create', '--name', 'demo', '--task', 'summarization', '--metric', 'rougeL', '--target', '0.3', '--memory-mb', '4096', '--json']);
    expect(created.code).toBe(0);
    const project = created.json<Project>();
    expect(project).toMatchObject({ name: 'demo', task: 'summarization', metric: 'rougeL', target: 0.3, constraints: { memoryBudgetMb: 4096, device: 'any' } });
    const listed = (await inProcessLathe(dataDir, ['project', 'list', '--json'])).json<Project[]>();
    expect(listed.map((p) => p.id)).toEqual([project.id]);
    const human = await inProcessLathe(dataDir, ['project', 'list']);
    expect(human.stdout).toMatch(/^ID\s+NAME\s+TASK/);
    expect(human.stdout).toContain(project.id);
    const shown = await inProcessLathe(dataDir, ['project', 'show', project.id]);
    expect(shown.stdout).toMatch(/success:\s+rougeL ≥ 0.3/);
    // Names are unique, so a project can be named instead of its id; a second 'demo' is refused.
    expect((await inProcessLathe(dataDir, ['project', 'show', 'demo', '--json'])).json<Project>().id).toBe(project.id);
    const twice = await inProcessLathe(dataDir, ['project', 'create', '--name', 'demo', '--task', 'qa']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/a project named 'demo' already exists; choose another name/);
  });

  it('explains bad flags with the usage line', async () => {
    const badTask = await inProcessLathe(dataDir, ['project', 'create', '--name', 'x', '--task', 'translation']);
    expect(badTask.code).toBe(2);
    expect(badTask.stderr).toMatch(/--task must be one of chat, qa, summarization/);
    expect(badTask.stderr).toMatch(/Usage: lathe project create/);
    const unknown = await inProcessLathe(dataDir, ['project', 'create', '--nam', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Usage: lathe project create/);
    const badTarget = await inProcessLathe(dataDir, ['project', 'create', '--name', 'x', '--task', 'qa', '--metric', 'f1', '--target', 'high']);
    expect(badTarget.stderr).toMatch(/--target must be a number/);
    const negative = await inProcessLathe(dataDir, ['project', 'create', '--name', 'x', '--task', 'qa', '--memory-mb', '-5']);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/--memory-mb must be a whole number of 1 or more \(megabytes\); got '-5'/);
    expect(negative.stderr).not.toMatch(/ambiguous/);
    const joined = await inProcessLathe(dataDir, ['project', 'create', '--name', 'x', '--task', 'qa', '--memory-mb=-5']);
    expect(joined.stderr).toMatch(/--memory-mb must be a whole number of 1 or more/);
    const outOfRange = await inProcessLathe(dataDir, ['project', 'create', '--name', 'x', '--task', 'summarization', '--metric', 'rougeL', '--target', '7', '--json']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.json<{ error: string }>().error).toMatch(/^--target: this metric runs from 0 to 1/);
    expect(outOfRange.stderr).toBe('');
    const missing = await inProcessLathe(dataDir, ['project', 'show', 'proj_nope', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json<{ error: string }>().error).toMatch(/project proj_nope does not exist/);
  });

  it('updates only the fields given and refuses a target out of range for the stored metric', async () => {
    const project = (await inProcessLathe(dataDir, ['project', 'create', '--name', 'upd', '--task', 'qa', '--metric', 'f1', '--target', '0.5', '--memory-mb', '2048', '--json'])).json<Project>();
    const updated = await inProcessLathe(dataDir, ['project', 'update', project.id, '--target', '0.7', '--max-latency-ms', '300', '--json']);
    expect(updated.code).toBe(0);
    expect(updated.json<Project>()).toMatchObject({ name: 'upd', task: 'qa', metric: 'f1', target: 0.7, constraints: { memoryBudgetMb: 2048, maxLatencyMs: 300, device: 'any' } });
    expect((await inProcessLathe(dataDir, ['project', 'show', project.id])).stdout).toMatch(/success:\s+f1 ≥ 0.7/);
    const outOfRange = await inProcessLathe(dataDir, ['project', 'update', project.id, '--target', '7']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toMatch(/^lathe project update: --target: this metric runs from 0 to 1/);
    expect(outOfRange.stderr).toMatch(/Usage: lathe project update PROJECT/);
    const withMetric = await inProcessLathe(dataDir, ['project', 'update', project.id, '--metric', 'accuracy', '--target', '1.5', '--json']);
    expect(withMetric.json<{ error: string }>().error).toMatch(/^--target: this metric runs from 0 to 1/);
    const badDevice = await inProcessLathe(dataDir, ['project', 'update', project.id, '--device', 'tpu']);
    expect(badDevice.stderr).toMatch(/--device must be one of cpu, cuda/);
    expect((await inProcessLathe(dataDir, ['project', 'update', project.id])).stderr).toMatch(/nothing to update/);
    expect((await inProcessLathe(dataDir, ['project', 'update', 'proj_nope', '--name', 'x'])).stderr).toMatch(/project proj_nope does not exist/);
    expect((await inProcessLathe(dataDir, ['project', 'show', project.id, '--json'])).json<Project>()).toMatchObject({ metric: 'f1', target: 0.7 });
    // perplexity's target is a ceiling, as the scorecard judges it: 'perplexity ≤ 12', not '≥'
    // (a metric must suit the task: perplexity measures generation, not qa)
    expect((await inProcessLathe(dataDir, ['project', 'update', project.id, '--metric', 'perplexity', '--target', '12'])).stderr).toMatch(/--metric: perplexity does not measure a qa project; use one of exact_match, f1/);
    const ceiling = await inProcessLathe(dataDir, ['project', 'update', project.id, '--task', 'generation', '--metric', 'perplexity', '--target', '12']);
    expect(ceiling.code, ceiling.stderr).toBe(0);
    expect(ceiling.stdout).toMatch(/success:\s+perplexity ≤ 12\n/);
  });

  it('list filters refuse an unknown --project instead of listing nothing', async () => {
    for (const list of [['runs', 'list'], ['dataset', 'list']]) {
      const typo = await inProcessLathe(dataDir, [...list, '--project', 'dmeo']);
      expect(typo.code, list.join(' ')).toBe(2);
      expect(typo.stderr).toMatch(/no project named 'dmeo'; did you mean 'demo'\? \(projects: .*demo.*\); the Projects page or 'lathe project list' shows them/);
      expect(typo.stdout).toBe('');
      expect((await inProcessLathe(dataDir, [...list, '--project', 'demo', '--json'])).json<unknown[]>()).toEqual([]); // a real project: its (empty) list
    }
  });
});
