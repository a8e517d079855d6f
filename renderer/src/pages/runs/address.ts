// One run's address, #/runs/<id>: a run can be reloaded, bookmarked, or opened from the Runs list and the
// Compare page. (A comparison's address, #/runs/compare/…, is compare/route.tsx's.)
import { compareIdsFromHash } from '../compare/route.tsx';

const PREFIX = '/runs/';

export const runHash = (id: string): string => `#${PREFIX}${encodeURIComponent(id)}`;

export function openRun(id: string): void {
  window.location.hash = runHash(id);
}

/** The run id in the address (#/runs/<id>), or null for the list and for a comparison. */
export function runIdFromHash(hash = window.location.hash): string | null {
  const path = hash.replace(/^#/, '');
  if (!path.startsWith(PREFIX) || compareIdsFromHash(hash) !== null) return null;
  const id = decodeURIComponent(path.slice(PREFIX.length).split('/')[0]);
  return id || null;
}
