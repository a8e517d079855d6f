// The Runs page's Jobs card lists what the runs table cannot say: jobs still going (under their run's name, timed by
// the run's own clock, as its row is) and jobs that made no run. A finished job that made a run is that run's row
// only when the table shows that row now: filtered to another project, a tag or the Playground tab, it does not, and
// the job (a failed one above all) stays listed.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Job, RunSummary } from '../../native/api/schemas.ts';
import { formatRunTime } from '../../renderer/src/domain/format.ts';
import { JobsCard, jobsToList } from '../../renderer/src/pages/runs/JobsCard.tsx';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 17, 0, s)).toISOString();

function job(id: string, over: Partial<Job>): Job {
  return { id, kind: 'finetune', state: 'succeeded', progress: 1, message: '', etaSeconds: null, params: {}, result: null, error: null, runId: null, createdAt: at(0), startedAt: at(0), finishedAt: at(1), ...over };
}

function run(id: string, name: string, over: Partial<RunSummary> = {}): RunSummary {
  return { id, projectId: null, kind: 'finetune', name, status: 'succeeded', parentRunId: null, createdAt: at(0), startedAt: at(0), finishedAt: at(2), activeSeconds: 0.005, tags: [], note: '', ...over };
}

const query = (data: Job[]) => ({ data, error: null, stale: false, loading: false, reload() {} }) as unknown as Parameters<typeof JobsCard>[0]['jobs'];

describe('the Jobs card of the Runs page', () => {
  const done = job('job_done', { runId: 'run_done' });
  // the run started three hours ago, its latest attempt's job a second ago: the run's clock is the one its row reads
  const going = job('job_going', { runId: 'run_going', state: 'running', progress: 0.5, startedAt: new Date(Date.now() - 1000).toISOString(), finishedAt: null, message: 'step 5/10' });
  const imported = job('job_import', { kind: 'dataset-import' });
  const runs = [run('run_done', 'lora r8 · lr 3e-4'), run('run_going', 'full · in progress', { status: 'running', startedAt: new Date(Date.now() - 3 * 3600_000 - 10_000).toISOString(), finishedAt: null, activeSeconds: null })];

  const allShown = new Set(runs.map((r) => r.id));

  it('leaves out a finished job whose run is a row shown, and keeps a running one and one that made none', () => {
    expect(jobsToList([done, going, imported], allShown).map((j) => j.id)).toEqual(['job_going', 'job_import']);
  });

  it('keeps a job that did not succeed whose run the table does not show now (another project, a tag, the other tab, another page); one that succeeded is its run\'s row wherever that is', () => {
    const failed = job('job_failed', { runId: 'run_failed', state: 'failed', error: 'out of memory' });
    expect(jobsToList([done, failed, going], new Set(['run_going'])).map((j) => j.id)).toEqual(['job_failed', 'job_going']);
    expect(jobsToList([done, failed], new Set(['run_done'])).map((j) => j.id)).toEqual(['job_failed']);
    const html = renderToStaticMarkup(createElement(JobsCard, { jobs: query([failed]), runs: [...runs, run('run_failed', 'lora r4 · failed', { status: 'failed' })], shownRunIds: new Set<string>() }));
    expect(html).toContain('lora r4 · failed');
    expect(html).toContain('out of memory');
  });

  it('while the runs are not read yet, takes a finished job’s run to be in the table rather than list it for a moment', () => {
    expect(jobsToList([done, going, imported], undefined).map((j) => j.id)).toEqual(['job_going', 'job_import']);
  });

  it('draws nothing when every job is a shown run’s', () => {
    expect(renderToStaticMarkup(createElement(JobsCard, { jobs: query([done]), runs, shownRunIds: allShown }))).toBe('');
  });

  it('names a running job by its run, times it as the run’s row does, and shows no job id', () => {
    const html = renderToStaticMarkup(createElement(JobsCard, { jobs: query([going, imported]), runs, shownRunIds: allShown }));
    expect(html).toContain('full · in progress');
    expect(html).toContain('#/runs/run_going');
    expect(html).not.toMatch(/>job_/); // the id is only the row's tooltip
    expect(formatRunTime(runs[1])).toBe('3 h 0 min');
    expect(html).toContain('>3 h 0 min<');
    // the finished import's own time, the job's clock where no run has one
    expect(html).toContain('>1.0 s<');
  });
});
