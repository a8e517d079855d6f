// The browser's Studio transport turns a refused token and an unreachable server into messages a person reads as
// they are: the command is quoted in words, not in Markdown backticks that the page would print literally.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpStudio } from '../../renderer/src/api/httpTransport.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('HTTP transport errors', () => {
  it('a refused token and an unreachable studio name “npx lathe serve”, without backticks', async () => {
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 401, headers: { 'Content-Type': 'application/json' } }));
    const refused = createHttpStudio('http://127.0.0.1:1', 't').call('projects.list', {});
    await expect(refused).rejects.toThrow('The studio refused the access token. Open the URL that “npx lathe serve” printed.');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    const gone = createHttpStudio('http://127.0.0.1:1', 't').call('projects.list', {});
    await expect(gone).rejects.toThrow('Could not reach the studio (fetch failed). Is “npx lathe serve” still running?');
  });
});
