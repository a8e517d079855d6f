// Every progress in the studio says time left one way, the CLI's (native/api/format.ts timeLeft) through one helper,
// domain/jobs.ts jobTimeLeft. Before, the run views had two copies of a formatEta ('almost done' under a second,
// 'about 12 s left', minutes only past 60 s in Evaluate but 90 s in training) and the model and dataset imports
// wrote '12 s left' inline, hiding an estimate that rounded to 0 while work remained.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeLeft } from '../../native/api/format.ts';
import type { Job } from '../../native/api/schemas.ts';
import { ESTIMATING_TIME_LEFT, jobTimeLeft } from '../../renderer/src/domain/jobs.ts';

const job = (patch: Partial<Job>): Job => ({
  id: 'job_1', kind: 'docs-import', state: 'running', progress: 0.42, message: 'reading guide.md (2 of 5)', etaSeconds: null, params: null, result: null,
  error: null, runId: null, createdAt: '2026-12-06T13:00:00Z', startedAt: '2026-12-06T13:00:00Z', finishedAt: null, ...patch,
});

describe('jobTimeLeft', () => {
  it('words a running job’s estimate as the CLI does: under 1s while work remains, seconds, minutes, hours', () => {
    expect([0, 0.4, 0.6, 12, 89, 90, 3000, 9000].map((etaSeconds) => jobTimeLeft(job({ etaSeconds })))).toEqual([
      'under 1s left', 'under 1s left', 'about 1s left', 'about 12s left', 'about 89s left', 'about 2 min left', 'about 50 min left', 'about 2.5 h left',
    ]);
    for (const etaSeconds of [0, 0.6, 12, 90, 9000]) expect(jobTimeLeft(job({ etaSeconds }))).toBe(timeLeft(etaSeconds));
  });

  it('says nothing while the job waits, once its work is all done, or once it ended; `unknown` while it runs unestimated', () => {
    expect(jobTimeLeft(job({ etaSeconds: null }))).toBeNull();
    expect(jobTimeLeft(job({ etaSeconds: null }), ESTIMATING_TIME_LEFT)).toBe('estimating time left…');
    expect(jobTimeLeft(job({ state: 'queued', progress: 0, etaSeconds: 30 }), ESTIMATING_TIME_LEFT)).toBeNull();
    expect(jobTimeLeft(job({ progress: 1, etaSeconds: 0 }), ESTIMATING_TIME_LEFT)).toBeNull(); // training's last step, before its checkpoint
    for (const state of ['succeeded', 'failed', 'cancelled', 'interrupted'] as const) expect(jobTimeLeft(job({ state, etaSeconds: 5 }), ESTIMATING_TIME_LEFT)).toBeNull();
  });

  it('is the only place in the renderer that words time left', () => {
    const root = path.resolve(import.meta.dirname, '../../renderer/src');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(root, f));
    const own = path.join(root, 'domain/jobs.ts');
    const wording = /formatEta|etaSeconds|\bs left\b|almost done/;
    const offenders = files.filter((f) => f !== own && wording.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f));
    expect(offenders).toEqual([]);
  });
});
