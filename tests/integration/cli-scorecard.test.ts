// `lathe project scorecard` on evaluations recorded straight through the store: the margin is a signed change, +0.0500
// or −0.0500 with the true minus as the studio's scorecard writes it; --json keeps the number.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scorecard } from '../../native/api/eval.ts';
import { openStore } from '../../native/store/db.ts';
import { lathe, tempDir } from './helpers/lathe.ts';

const dataDir = tempDir('cli-scorecard');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** A project whose best held-out rougeL evaluation scored `value`, against a target of 0.3. */
function projectScoring(name: string, value: number): string {
  const store = openStore(dataDir);
  try {
    const project = store.projects.create({ name, task: 'summarization', metric: 'rougeL', target: 0.3 });
    const run = store.runs.create({ kind: 'evaluation', name: `${name} eval`, projectId: project.id, config: { split: 'test' } });
    store.runs.addMetric({ runId: run.id, step: 0, name: 'rougeL', value });
    store.runs.setStatus(run.id, 'succeeded');
    return project.id;
  } finally {
    store.close();
  }
}

describe('lathe project scorecard', () => {
  it('prints a negative margin with the true minus and a positive one with a plus; --json keeps the numbers', () => {
    const failing = lathe(dataDir, ['project', 'scorecard', projectScoring('short', 0.25)]);
    expect(failing.code, failing.stderr).toBe(0);
    expect(failing.stdout).toMatch(/status:\s+FAIL\n/);
    expect(failing.stdout).toMatch(/margin:\s+−0\.0500\n/);
    expect(failing.stdout).not.toMatch(/-0\.05/);
    const passing = lathe(dataDir, ['project', 'scorecard', projectScoring('clear', 0.35)]);
    expect(passing.stdout).toMatch(/margin:\s+\+0\.0500\n/);

    const json = lathe(dataDir, ['project', 'scorecard', 'short', '--json']);
    expect(json.stdout).not.toContain('−');
    expect(json.json<Scorecard>().margin).toBeCloseTo(-0.05);
  });
});
