// "Use collection" in the playground: the prompt becomes a question answered from a document collection. The
// retrieved chunks are listed with their scores and sources, and those the answer cites are marked, so a reader can
// check every claim against its passage. Collections are made in the Documents tab (or with `lathe docs add`).
import { useState } from 'react';
import type { Result } from '../../../../native/api/contract.ts';
import { SEARCH_MODES, type SearchMode } from '../../../../native/api/rag.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Badge, Button, Card, CardHeader, EmptyState, Select } from '../../ui/primitives.tsx';
import { ChunkCountField } from '../documents/ChunkCountField.tsx';
import { formatHitScore, sourceOf } from '../documents/CollectionSearch.tsx';
import { SEARCH_MODE_LABEL } from '../documents/searchModes.ts';

type Ask = Result<'collections.ask'>;


export function CollectionPanel({ modelId, question }: { modelId: string | null; question: string }) {
  const studio = useStudio();
  const collections = useQuery('collections.list', {});
  const [on, setOn] = useState(false);
  const [collection, setCollection] = useState('');
  const [mode, setMode] = useState<SearchMode>('hybrid');
  const [k, setK] = useState(4);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Ask | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = collections.data ?? [];
  const chosen = list.find((c) => c.id === collection) ?? list[0];
  const effectiveMode: SearchMode = chosen && !chosen.embedModel ? 'bm25' : mode;

  const ask = () => {
    if (!chosen || !modelId) return;
    setBusy(true);
    setError(null);
    studio.call('collections.ask', { collection: chosen.id, model: modelId, query: question, mode: effectiveMode, k, maxNewTokens: 128 }).then(
      (r) => { setResult(r); setBusy(false); },
      (e: Error) => { setError(e.message); setBusy(false); },
    );
  };

  return (
    <Card aria-label="Documents">
      <CardHeader
        title="Documents"
        subtitle="Answer the prompt from a collection: the retrieved chunks go into the prompt, numbered, and the answer cites them."
        actions={<label className="checkbox small"><input type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} aria-label="Use collection" /><span>Use collection</span></label>}
      />
      {on && (
        <div className="card-body stack gap-3">
          {list.length === 0 ? (
            <EmptyState icon="box" title="No collection yet" action={<a className="btn btn-primary" href="#/adapt/documents">Go to Documents</a>}>Create one in the Documents tab and import files into it (.txt, .md, .html, .pdf, .docx), then come back to ask questions about them.</EmptyState>
          ) : (
            <>
              <div className="field-row">
                <div className="field">
                  <label className="field-label" htmlFor="rag-collection">Collection</label>
                  <Select id="rag-collection" value={chosen?.id ?? ''} onChange={(e) => setCollection(e.target.value)}>
                    {list.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.documentCount} documents)</option>)}
                  </Select>
                </div>
                <div className="field">
                  <label className="field-label" htmlFor="rag-mode">Retrieval</label>
                  <Select id="rag-mode" value={effectiveMode} disabled={!chosen?.embedModel} onChange={(e) => setMode(e.target.value as SearchMode)}>
                    {SEARCH_MODES.map((m) => <option key={m} value={m}>{SEARCH_MODE_LABEL[m]}</option>)}
                  </Select>
                </div>
                <ChunkCountField id="rag-k" max={20} value={k} onChange={setK} />
                <Button variant="primary" icon="sparkle" onClick={ask} disabled={busy || !modelId || !question.trim()}>{busy ? 'Asking…' : 'Ask the collection'}</Button>
                <a className="small" href="#/adapt/documents">Manage collections</a>
              </div>
              {error && <p className="field-error" role="alert">{error}</p>}
              {result && (
                <div className="stack gap-3">
                  <div className="output" data-testid="rag-answer" aria-live="polite">{result.answer || <span className="faint">(the model gave an empty answer)</span>}</div>
                  <ol className="rag-hits" aria-label="Retrieved chunks">
                    {result.hits.map((h, i) => {
                      const cited = result.cited.includes(i + 1);
                      return (
                        <li key={h.id} className="rag-hit" data-cited={cited}>
                          <div className="row">
                            <span className="nt-token">[{i + 1}]</span>
                            <span className="small">{sourceOf(h)}</span>
                            <span className="faint small">score {formatHitScore(h)}</span>
                            {cited ? <Badge tone="success">cited</Badge> : <Badge>not cited</Badge>}
                          </div>
                          <p className="rag-hit-text">{h.text}</p>
                        </li>
                      );
                    })}
                  </ol>
                </div>
              )}
            </>
          )}
        </div>
      )}
    </Card>
  );
}
