// Everything under #/runs: the list, one run (#/runs/<id>), or a comparison (#/runs/compare/<id>,<id>…).
// Each is an address, so a reload, a bookmark or the browser's Back lands on the same view.
import { useEffect, useState } from 'react';
import type { PageId } from '../../app/routes.ts';
import { ComparePage } from '../compare/ComparePage.tsx';
import { compareHash, compareIdsFromHash } from '../compare/route.tsx';
import { runIdFromHash } from './address.ts';
import { RunPage } from './RunPage.tsx';
import { RunsPage } from './RunsPage.tsx';

type View = { compare: string[] } | { run: string } | null;
const viewFromHash = (): View => {
  const compare = compareIdsFromHash();
  if (compare) return { compare };
  const run = runIdFromHash();
  return run ? { run } : null;
};

export function RunsRoute({ navigate }: { navigate(page: PageId): void }) {
  const [view, setView] = useState<View>(viewFromHash);
  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (view && 'run' in view) return <RunPage key={view.run} runId={view.run} />;
  if (view && 'compare' in view) {
    return <ComparePage runIds={view.compare} onChange={(next) => {
      window.history.replaceState(window.history.state, '', `#${compareHash(next)}`);
      setView({ compare: next });
    }} />;
  }
  return <RunsPage navigate={navigate} />;
}
