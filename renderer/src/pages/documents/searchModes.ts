// How the search modes read in menus and checkboxes (the engine's ids: native/api/rag.ts SEARCH_MODES).
import type { SearchMode } from '../../../../native/api/rag.ts';

export const SEARCH_MODE_LABEL: Record<SearchMode, string> = { bm25: 'BM25', dense: 'Dense', hybrid: 'Hybrid' };
