// The window's security rules, in one place: the Content-Security-Policy, and what the page may navigate to
// or open (nothing but itself). The rules themselves are in security-rules.ts, testable without Electron.
import { shell, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, opensInBrowser } from './security-rules.ts';

/** Adds the CSP header to every response the session loads (the page also carries it in a meta tag). */
export function enforceContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // No feature (camera, microphone, notifications, …) is ever granted.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** Blocks navigation away from the app and every new window; web links open in the user's browser. */
export function lockDownContents(contents: WebContents, isOurPage: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOurPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOurPage(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (opensInBrowser(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
