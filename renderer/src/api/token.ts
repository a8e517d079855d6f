// The headless studio's access token: `lathe serve` prints a URL with ?token=…; on first load the token moves
// from the address bar into sessionStorage (so reloads keep working and the token leaves the visible URL).
import { TOKEN_QUERY } from '../../../native/api/http.ts';

const STORAGE_KEY = 'lathe.token';

export function takeTokenFromLocation(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(TOKEN_QUERY);
  if (fromUrl) {
    window.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete(TOKEN_QUERY);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return window.sessionStorage.getItem(STORAGE_KEY);
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
