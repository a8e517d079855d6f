// The Integrate page's snippets run as copied: bash reads the curl snippet back into exactly the URL, headers and
// JSON body meant, even for a model name with quotes and spaces; the Python and JavaScript ones carry the same
// base URL, key and model as string literals.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { apiSnippets } from '../../native/api/serve-snippets.ts';

const target = { url: 'http://127.0.0.1:4321/v1', apiKey: 'lathe-abc_DEF-123', model: `it's "my" model:run 1` };

describe('API snippets', () => {
  it('curl: bash parses it into the intended arguments', () => {
    const { curl } = apiSnippets(target);
    // A shell function stands in for curl and prints each argument on its own line.
    const run = spawnSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }\n${curl}`], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const args = run.stdout.trimEnd().split('\n');
    expect(args.slice(0, 5)).toEqual([`${target.url}/chat/completions`, '-H', `Authorization: Bearer ${target.apiKey}`, '-H', 'Content-Type: application/json']);
    expect(args[5]).toBe('-d');
    expect(JSON.parse(args.slice(6).join('\n'))).toEqual({ model: target.model, messages: [{ role: 'user', content: 'Hello! Tell me a short story.' }], max_tokens: 64 });
  });

  it('Python and JavaScript: the same URL, key and model as literals', () => {
    const { python, javascript } = apiSnippets(target);
    for (const code of [python, javascript]) {
      expect(code).toContain(JSON.stringify(target.url));
      expect(code).toContain(JSON.stringify(target.apiKey));
      expect(code).toContain(JSON.stringify(target.model));
    }
  });
});
