// A read that failed (ReadError, renderer/src/ui/primitives.tsx) says what could not be read in the engine's words,
// then what waits on it, and offers Try again, which asks again through the query's reload: Integrate's Start server
// stayed grey for good after one failed read of the server's state, with no way out short of reloading the app.
// tests/e2e/read-error-retry.test.ts presses it in a browser.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ReadError, readErrorText, type RetryableRead } from '../../renderer/src/ui/primitives.tsx';

const read = (error: Error | null, loading = false): RetryableRead => ({ error, loading, reload: () => undefined });
const shown = (r: RetryableRead, then?: string) => renderToStaticMarkup(createElement(ReadError, { what: 'Could not read the API server’s state', read: r, then }));

describe('a read that failed', () => {
  it('reads "<what>: <message>", and what waits on it as a sentence of its own', () => {
    expect(readErrorText('Could not load runs', 'the store is locked')).toBe('Could not load runs: the store is locked');
    expect(readErrorText('Could not load runs', 'the store is locked', 'Try again.')).toBe('Could not load runs: the store is locked. Try again.');
    expect(readErrorText('Could not load runs', 'The studio answered HTTP 500 without an error message.', 'Try again.')).toBe('Could not load runs: The studio answered HTTP 500 without an error message. Try again.');
  });

  it('shows nothing while the read has no error: only the empty, visually hidden place the focus goes to when a retry worked', () => {
    expect(shown(read(null))).toBe('<span tabindex="-1" role="status" class="visually-hidden" data-testid="read-error-place"></span>');
  });

  it('shows the error as an alert beside a Try again button', () => {
    const html = shown(read(new Error('The studio answered HTTP 500 without an error message.')), 'Start server waits for it.');
    expect(html).toContain('<p class="field-error" role="alert">Could not read the API server’s state: The studio answered HTTP 500 without an error message. Start server waits for it.</p>');
    expect(html).toMatch(/<button type="button" class="btn btn-sm">Try again<\/button>/);
  });

  it('says it is trying while the new answer is awaited, the button still focusable (not disabled)', () => {
    const html = shown(read(new Error('fetch failed'), true));
    expect(html).toMatch(/<button type="button" class="btn btn-sm" aria-busy="true">Trying again…<\/button>/);
    expect(html).not.toContain('disabled');
  });
});
