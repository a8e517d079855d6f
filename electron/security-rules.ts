// The window's security rules as plain data and functions, kept free of Electron imports so tests check them in
// plain Node (security.ts applies them): the Content-Security-Policy, which pages count as the app, and which links
// leave for the user's browser.

/** The policy for every response; renderer/index.html carries the same in a meta tag (tests/unit/electron-security-rules.test.ts). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "worker-src 'none'",
].join('; ');

/** Whether `url` is the app's own page (`rendererUrl`), whatever its route (#…) or query. */
export function isAppPage(url: string, rendererUrl: string): boolean {
  return url.split('#')[0].split('?')[0] === rendererUrl;
}

/** Whether a link the page opens goes to the user's browser: https only (no file:, smb:, custom app schemes, http). */
export function opensInBrowser(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
