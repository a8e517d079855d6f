// The comparison lives under Runs: #/runs/compare/<id>,<id>… names the runs, so a comparison can be reloaded,
// bookmarked or opened from Evaluate, the Runs table, a run's page or a project's scorecard (runs/route.tsx
// shows it).

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
