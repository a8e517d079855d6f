// The import progress the Datasets, Documents and Select pages share (pages/datasets/ImportProgress.tsx): the stage,
// the job's message, its percentage and time left while it runs, and its Cancel; a stopped import said once, for the
// callout under it says why. Documents read 'Import failed · failed · 0%' (Datasets was fixed alone), and both read
// 'Importing' for a cancelled or interrupted import. The Select page's "Add a model" drew its own ('Import stopped ·
// failed · 0%', its Cancel apart in the form's buttons), and Datasets and Documents had no Cancel at all.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../native/api/schemas.ts';
import type { Studio } from '../../renderer/src/api/transport.ts';
import { StudioProvider } from '../../renderer/src/app/StudioContext.tsx';
import { ImportProgress, type ImportKind, type UploadStep } from '../../renderer/src/pages/datasets/ImportProgress.tsx';

const job = (patch: Partial<Job>): Job => ({
  id: 'job_1', kind: 'docs-import', state: 'running', progress: 0.42, message: 'reading guide.md (2 of 5)', etaSeconds: null, params: null, result: null,
  error: null, runId: null, createdAt: '2026-12-06T13:00:00Z', startedAt: '2026-12-06T13:00:00Z', finishedAt: null, ...patch,
});

/** The text a reader sees in the rendered progress, its parts joined by ' | '. */
function shown(props: { job: Job | null; upload: UploadStep | null; kind?: ImportKind }): string {
  const studio = { call: () => Promise.resolve() } as unknown as Studio;
  const html = renderToStaticMarkup(createElement(StudioProvider, { studio, children: createElement(ImportProgress, { ...props, testId: 'p' }) }));
  return [...html.matchAll(/<(strong|span|button)[^>]*>([^<]*)<\/\1>/g)].map((m) => m[2]).filter(Boolean).join(' | ');
}

/** The progress bar's name and value as rendered: 'Import progress 42', or '… indeterminate'. */
function bar(props: { job: Job | null; upload: UploadStep | null; kind?: ImportKind }): string {
  const studio = { call: () => Promise.resolve() } as unknown as Studio;
  const html = renderToStaticMarkup(createElement(StudioProvider, { studio, children: createElement(ImportProgress, { ...props, testId: 'p' }) }));
  const el = /<div[^>]*role="progressbar"[^>]*>/.exec(html)![0];
  return `${/aria-label="([^"]*)"/.exec(el)![1]} ${/aria-valuenow="(\d+)"/.exec(el)?.[1] ?? 'indeterminate'}`;
}

describe('the import progress of Datasets, Documents and Select', () => {
  it('shows the stage, the job’s message, its percentage and the time left while it runs', () => {
    expect(shown({ job: job({ etaSeconds: 0 }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42% · under 1s left | Cancel import');
    expect(shown({ job: job({ etaSeconds: 200 }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42% · about 3 min left | Cancel import');
    expect(shown({ job: job({ etaSeconds: null }), upload: null })).toBe('Importing | reading guide.md (2 of 5) | 42% | Cancel import');
    expect(shown({ job: null, upload: { stage: 'Uploading', detail: '1 of 3 files', fraction: 1 / 3 } })).toBe('Uploading | 1 of 3 files');
    expect(shown({ job: null, upload: null })).toBe('Starting import');
    expect(shown({ job: job({ state: 'succeeded', progress: 1, message: 'imported 5, skipped 2', etaSeconds: 0 }), upload: null })).toBe('Imported | imported 5, skipped 2 | 100%');
  });

  it('says a stopped import once, for the callout under it says why', () => {
    expect(shown({ job: job({ state: 'failed', progress: 0, message: 'failed', error: 'no config.json' }), upload: null })).toBe('Import failed');
    expect(shown({ job: job({ state: 'cancelled', message: 'cancelled' }), upload: null })).toBe('Import cancelled');
    expect(shown({ job: job({ state: 'interrupted', message: 'stopped' }), upload: null })).toBe('Import interrupted');
    // one that stopped before any progress draws no bar: an empty grey one under 'Import failed' said nothing
    const html = (j: Job) => renderToStaticMarkup(createElement(StudioProvider, { studio: { call: () => Promise.resolve() } as unknown as Studio, children: createElement(ImportProgress, { job: j, upload: null, testId: 'p' }) }));
    expect(html(job({ state: 'failed', progress: 0 }))).not.toMatch(/role="progressbar"/);
    expect(html(job({ state: 'cancelled', progress: 0 }))).not.toMatch(/role="progressbar"/);
    expect(html(job({ state: 'failed', progress: 0.3 }))).toMatch(/role="progressbar"/);
  });

  it('reads as a download for a model from the Hub: paused, not cancelled, for it resumes', () => {
    const download = (patch: Partial<Job>) => job({ kind: 'model-download', message: 'model.safetensors', ...patch });
    expect(shown({ job: download({}), upload: null, kind: 'download' })).toBe('Downloading | model.safetensors | 42% | Pause download');
    expect(shown({ job: download({ state: 'cancelled' }), upload: null, kind: 'download' })).toBe('Download paused');
    expect(shown({ job: download({ state: 'succeeded', progress: 1 }), upload: null, kind: 'download' })).toBe('Downloaded | model.safetensors | 100%');
    expect(bar({ job: download({}), upload: null, kind: 'download' })).toBe('Download progress 42');
  });

  it('offers Cancel only while the job runs, and moves its bar while the job has not said how far it is', () => {
    expect(shown({ job: null, upload: { stage: 'Uploading', detail: '40%', fraction: 0.4 } })).not.toMatch(/Cancel/);
    expect(shown({ job: job({ state: 'queued', progress: 0, message: 'queued' }), upload: null })).toMatch(/\| Cancel import$/);
    expect(bar({ job: job({ progress: 0 }), upload: null })).toBe('Import progress indeterminate');
    expect(bar({ job: job({ state: 'queued', progress: 0 }), upload: null })).toBe('Import progress 0');
    expect(bar({ job: job({ state: 'failed', progress: 0.3 }), upload: null })).toBe('Import progress 30');
    expect(bar({ job: null, upload: { stage: 'Uploading', detail: '40%', fraction: 0.4 } })).toBe('Import progress 40');
  });
});
