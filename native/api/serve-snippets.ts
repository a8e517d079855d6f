// The few lines an application needs to call the studio's OpenAI-compatible server, in the three forms people
// paste: a curl command, Python's `openai` package and JavaScript's. Each carries the real base URL, key and model,
// so a copied snippet runs as it stands. The Integrate page shows all three; `lathe serve-api` prints the curl one.

export const SNIPPET_KINDS = ['curl', 'python', 'javascript'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];
export const SNIPPET_LABELS: Record<SnippetKind, string> = { curl: 'curl', python: 'Python', javascript: 'JavaScript' };

export interface SnippetTarget {
  /** Base URL, e.g. http://127.0.0.1:1234/v1 */
  url: string;
  apiKey: string;
  model: string;
}

/** A string as one single-quoted shell word. */
const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

const GREETING = 'Hello! Tell me a short story.';

export function apiSnippets({ url, apiKey, model }: SnippetTarget): Record<SnippetKind, string> {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: GREETING }], max_tokens: 64 });
  const curl = [
    `curl ${shellQuote(`${url}/chat/completions`)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${apiKey}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
  const python = [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${JSON.stringify(url)}, api_key=${JSON.stringify(apiKey)})`,
    'reply = client.chat.completions.create(',
    `    model=${JSON.stringify(model)},`,
    `    messages=[{"role": "user", "content": ${JSON.stringify(GREETING)}}],`,
    '    max_tokens=64,',
    ')',
    'print(reply.choices[0].message.content)',
  ].join('\n');
  const javascript = [
    "import OpenAI from 'openai';",
    '',
    `const client = new OpenAI({ baseURL: ${JSON.stringify(url)}, apiKey: ${JSON.stringify(apiKey)} });`,
    'const reply = await client.chat.completions.create({',
    `  model: ${JSON.stringify(model)},`,
    `  messages: [{ role: 'user', content: ${JSON.stringify(GREETING)} }],`,
    '  max_tokens: 64,',
    '});',
    'console.log(reply.choices[0].message.content);',
  ].join('\n');
  return { curl, python, javascript };
}
