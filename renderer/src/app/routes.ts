// Every page of the studio, in navigation order: the four stages of a model's life, the workspace pages, then
// the pages that show how a model works.
// The hash (#/datasets) names the page so a reload lands where the user was; a list page's hash names its item too.
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

/** The item a list page shows, from its address (#/datasets/<id>, #/select/<id>); null for the page alone. */
export function itemIdFromHash(page: 'datasets' | 'select', hash = window.location.hash): string | null {
  const [at, id, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (at !== page || !id || rest.length > 0 || (page === 'select' && id === 'pretrain')) return null;
  return decodeURIComponent(id);
}

export const itemHash = (page: 'datasets' | 'select', id: string): string => `#/${page}/${encodeURIComponent(id)}`;

/**
 * The item a list page shows, kept in its address so a reload, a bookmark and the browser's Back and Forward land on
 * the same one. `select` adds a history entry; `forget` drops a deleted item's id from the address without one. An
 * id the page does not offer (another project's dataset) is left in the address: the page shows its first item.
 */
export function useItemAddress(page: 'datasets' | 'select'): { id: string | null; select(id: string): void; forget(): void } {
  const [id, setId] = useState(() => itemIdFromHash(page));
  useEffect(() => {
    const onHash = () => setId(itemIdFromHash(page));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [page]);
  return {
    id,
    select(next) {
      if (next !== itemIdFromHash(page)) window.location.hash = itemHash(page, next).slice(1);
    },
    forget() {
      if (itemIdFromHash(page) === null) return;
      window.history.replaceState(window.history.state, '', `#/${page}`);
      setId(null);
    },
  };
}
