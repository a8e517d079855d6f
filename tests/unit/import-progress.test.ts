// The import progress the Datasets and Documents pages share (pages/datasets/ImportProgress.tsx): the stage, the
// job's message, its percentage and time left while it runs; a stopped import said once, for the callout under it
// says why. Documents read 'Import failed · failed · 0%' (Datasets was fixed alone), and both read 'Importing' for
// a cancelled or interrupted import.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../native/api/schemas.ts';
import { ImportProgress, type UploadStep } from '../../renderer/src/pages/datasets/ImportProgress.tsx';

const job = (patch: Partial<Job>): Job => ({
  id: 'job_1', kind: 'docs-import', state: 'running', progress: 0.42, message: 'reading guide.md (2 of 5)', etaSeconds: null, params: null, result: null,
  error: null, runId: null, createdAt: '2026-12-06T13:00:00Z', startedAt: '2026-12-06T13:00:00Z', finishedAt: null, ...patch,
});

/** The text a reader sees in the rendered progress, its parts joined by ' | '. */
function shown(props: { job: Job | null; upload: UploadStep | null }): string {
  const html = renderToStaticMarkup(createElement(ImportProgress, { ...props, testId: 'p' }));
  return [...html.matchAll(/<(strong|span)[^>]*>([^<]*)<\/\1>/g)].map((m) => m[2]).filter(Boolean).join(' | ');
}

describe('the import progress of Datasets and Documents', () => {
  it('shows the stage, the job’s message, its percentage and the time left while it runs', () => {
    expect(shown({ job: job({ etaSeconds: 0 }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42% · under 1s left');
    expect(shown({ job: job({ etaSeconds: 200 }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42% · about 3 min left');
    expect(shown({ job: job({ etaSeconds: null }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42%');
    expect(shown({ job: null, upload: { stage: 'Uploading', detail: '1 of 3 files', fraction: 1 / 3 } })).toBe('Uploading | 1 of 3 files');
    expect(shown({ job: null, upload: null })).toBe('Starting import');
    expect(shown({ job: job({ state: 'succeeded', progress: 1, message: 'imported 5, skipped 2', etaSeconds: 0 }), upload: null })).toBe('Imported | imported 5, skipped 2 | 100%');
  });

  it('says a stopped import once, for the callout under it says why', () => {
    expect(shown({ job: job({ state: 'failed', progress: 0, message: 'failed', error: 'no config.json' }), upload: null })).toBe('Import failed');
    expect(shown({ job: job({ state: 'cancelled', message: 'cancelled' }), upload: null })).toBe('Import cancelled');
    expect(shown({ job: job({ state: 'interrupted', message: 'stopped' }), upload: null })).toBe('Import interrupted');
  });
});
