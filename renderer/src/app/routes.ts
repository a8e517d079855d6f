// Every page of the studio, in navigation order: the four stages of a model's life, the workspace pages, then
// the pages that show how a model works.
// The hash (#/datasets) names the page so a reload lands where the user was.
import { useEffect, useState } from 'react';

export const PAGES = [
  { id: 'scope', title: 'Scope', group: 'stages', goKey: 's', summary: 'Define the use case' },
  { id: 'select', title: 'Select', group: 'stages', goKey: 'm', summary: 'Choose a base model' },
  { id: 'adapt', title: 'Adapt & align', group: 'stages', goKey: 'a', summary: 'Prompt, tune, evaluate' },
  { id: 'integrate', title: 'Integrate', group: 'stages', goKey: 'i', summary: 'Optimise, export, serve' },
  { id: 'projects', title: 'Projects', group: 'workspace', goKey: 'p', summary: 'All use cases' },
  { id: 'datasets', title: 'Datasets', group: 'workspace', goKey: 'd', summary: 'Import and map data' },
  { id: 'runs', title: 'Runs', group: 'workspace', goKey: 'r', summary: 'Jobs and their history' },
  { id: 'settings', title: 'Settings', group: 'workspace', goKey: ',', summary: 'Theme and studio info' },
  { id: 'inside', title: 'Inside', group: 'understand', goKey: 'n', summary: 'Self-attention, seen' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];
export type PageInfo = (typeof PAGES)[number];

function pageFromHash(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '').split('/')[0];
  return PAGES.some((p) => p.id === id) ? (id as PageId) : 'scope';
}

export function useRoute(): [PageId, (page: PageId) => void] {
  const [page, setPage] = useState<PageId>(pageFromHash);
  useEffect(() => {
    const onHash = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [page, (next) => { window.location.hash = `/${next}`; }];
}
