// The comparison lives under Runs: #/runs/compare/<id>,<id>… names the runs, so a comparison can be reloaded,
// bookmarked or opened from Evaluate, the Runs table or a project's scorecard.
import { useEffect, useState } from 'react';
import { RunsPage } from '../RunsPage.tsx';
import { ComparePage } from './ComparePage.tsx';

const PREFIX = '/runs/compare';

export function compareHash(runIds: readonly string[]): string {
  return `${PREFIX}/${runIds.map(encodeURIComponent).join(',')}`;
}

export function openCompare(runIds: readonly string[]): void {
  window.location.hash = compareHash(runIds);
}

/** The run ids in the address, or null when the address is not a comparison. */
export function compareIdsFromHash(hash = window.location.hash): string[] | null {
  const path = hash.replace(/^#/, '');
  if (!path.startsWith(PREFIX)) return null;
  return path.slice(PREFIX.length).replace(/^\//, '').split(',').filter(Boolean).map(decodeURIComponent);
}

/** Runs, or the comparison when the address asks for one. */
export function RunsRoute() {
  const [ids, setIds] = useState(() => compareIdsFromHash());
  useEffect(() => {
    const onHash = () => setIds(compareIdsFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return ids === null ? <RunsPage /> : <ComparePage runIds={ids} onChange={(next) => {
    window.history.replaceState(window.history.state, '', `#${compareHash(next)}`);
    setIds(next);
  }} />;
}
