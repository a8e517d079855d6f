// The Electron window's rules, without Electron: the page's meta-tag CSP is the policy security-rules.ts sends as
// a header (a meta tag cannot carry frame-ancestors; the header does), only the app's own page counts as the app,
// and only https links leave for the browser.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppPage, opensInBrowser } from '../../electron/security-rules.ts';

const directives = (policy: string) => policy.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();

describe('Electron security rules', () => {
  it('the renderer carries the same Content-Security-Policy, less what a meta tag cannot say', () => {
    const html = fs.readFileSync(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(directives(meta!)).toEqual(directives(CONTENT_SECURITY_POLICY).filter((d) => !d.startsWith('frame-ancestors')));
    for (const d of ["script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) expect(directives(CONTENT_SECURITY_POLICY)).toContain(d);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('counts only the app page itself as the app, whatever its route', () => {
    const app = 'file:///opt/Lathe/resources/app/dist/renderer/index.html';
    for (const url of [app, `${app}#/runs`, `${app}?x=1#/adapt`]) expect(isAppPage(url, app), url).toBe(true);
    for (const url of ['file:///etc/passwd', `${app}.html`, 'file:///opt/Lathe/resources/app/dist/renderer/other.html', 'https://lathe.dev/', 'about:blank']) {
      expect(isAppPage(url, app), url).toBe(false);
    }
  });

  it('sends only https links to the browser', () => {
    expect(['https://huggingface.co/HuggingFaceTB/SmolLM2-135M', 'HTTPS://example.com/'].every(opensInBrowser)).toBe(true);
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'smb://host/share', 'ms-msdt:/id', 'javascript:alert(1)', 'vscode://x', 'not a url', '']) {
      expect(opensInBrowser(url), url).toBe(false);
    }
  });
});
