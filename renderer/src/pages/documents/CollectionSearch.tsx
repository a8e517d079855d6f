// Trying a search on a collection: the chunks retrieval returns for a query, best first, each with its score, its
// source (file, page, section) and its text, in the mode chosen (BM25, dense vectors, or both fused).
import { useState, type FormEvent } from 'react';
import type { Collection, SearchHit, SearchMode } from '../../../../native/api/rag.ts';
import { SEARCH_MODES } from '../../../../native/api/rag.ts';
import { errorMessage } from '../../api/errors.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { withTrueMinus } from '../../domain/format.ts';
import { Button, Card, CardHeader, EmptyState, Select } from '../../ui/primitives.tsx';
import { ChunkCountField } from './ChunkCountField.tsx';
import { SEARCH_MODE_LABEL } from './searchModes.ts';

const MODE_HELP: Record<SearchMode, string> = {
  bm25: 'BM25: shared words, weighted by how rare they are',
  dense: 'Dense: nearest chunks by meaning (the embedding model)',
  hybrid: 'Hybrid: both lists fused by reciprocal rank',
};

/** A hit's score as the results list it (a dense score is a cosine, negative for an unrelated chunk: −0.0312). */
export const formatHitScore = (h: SearchHit): string => withTrueMinus(h.score.toFixed(4));

export function sourceOf(h: SearchHit): string {
  const file = h.source.split(/[\\/]/).pop() ?? h.source;
  return [file, h.page !== null ? `page ${h.page}` : null, h.section].filter(Boolean).join(' · ');
}

export function CollectionSearch({ collection }: { collection: Collection }) {
  const studio = useStudio();
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>(collection.embedModel ? 'hybrid' : 'bm25');
  const [k, setK] = useState(5);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ query: string; mode: SearchMode; hits: SearchHit[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const hits = await studio.call('collections.search', { collection: collection.id, query: query.trim(), mode, k });
      setResult({ query: query.trim(), mode, hits });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card aria-label="Search the collection">
      <CardHeader title="Search" subtitle="What the model would be given for a question: the best chunks, with where they come from." />
      <div className="card-body stack">
        <form className="field-row" onSubmit={search} role="search" aria-label="Search the collection">
          <div className="field search-query">
            <label className="field-label" htmlFor="docs-query">Query</label>
            <input id="docs-query" className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="When does the ferry run?" />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="docs-mode">Mode</label>
            <Select id="docs-mode" value={mode} onChange={(e) => setMode(e.target.value as SearchMode)} title={MODE_HELP[mode]}>
              {SEARCH_MODES.map((m) => <option key={m} value={m} disabled={m !== 'bm25' && !collection.embedModel}>{SEARCH_MODE_LABEL[m]}{m !== 'bm25' && !collection.embedModel ? ' (needs an embedding model)' : ''}</option>)}
            </Select>
          </div>
          <ChunkCountField id="docs-k" max={50} value={k} onChange={setK} />
          <Button type="submit" variant="primary" disabled={busy || !query.trim() || collection.chunkCount === 0}>{busy ? 'Searching…' : 'Search'}</Button>
        </form>
        <span className="field-help">{MODE_HELP[mode]}.</span>
        {error && <p className="field-error" role="alert">{error}</p>}
        {result && (result.hits.length === 0 ? (
          <EmptyState icon="file" title="No chunk matches">{result.mode === 'bm25' ? 'BM25 finds only chunks that share a word with the query; try other words' : 'Nothing came back'}{collection.embedModel && result.mode === 'bm25' ? ', or the hybrid mode, which also matches by meaning.' : '.'}</EmptyState>
        ) : (
          <ol className="rag-hits" aria-label="Search results">
            {result.hits.map((h) => (
              <li key={h.id} className="rag-hit">
                <div className="row">
                  <span className="nt-token">{h.rank}</span>
                  <span className="small">{sourceOf(h)}</span>
                  <span className="faint small mono">score {formatHitScore(h)}</span>
                  <span className="spacer" />
                  <span className="faint small mono">chars {h.charStart}–{h.charEnd}</span>
                </div>
                <p className="rag-hit-text">{h.text}</p>
              </li>
            ))}
          </ol>
        ))}
      </div>
    </Card>
  );
}
