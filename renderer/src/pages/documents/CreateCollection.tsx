// A new collection: its name, the model that embeds its chunks (none: BM25 only), and how documents are cut.
import { useState, type FormEvent } from 'react';
import type { Collection } from '../../../../native/api/rag.ts';
import { errorMessage } from '../../api/errors.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Button, Card, CardHeader, Field } from '../../ui/primitives.tsx';

export function CreateCollection({ projectId, onCreated, onCancel }: { projectId: string | null; onCreated(c: Collection): void; onCancel?: () => void }) {
  const studio = useStudio();
  const models = useQuery('models.list', {});
  const [name, setName] = useState('');
  const [embedModel, setEmbedModel] = useState('');
  const [chunkTokens, setChunkTokens] = useState('256');
  const [overlap, setOverlap] = useState('32');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    if (!name.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const c = await studio.call('collections.create', {
        name: name.trim(), projectId, embedModel: embedModel.trim() || null,
        chunkTokens: Number(chunkTokens), overlapTokens: Number(overlap),
      });
      onCreated(c);
    } catch (err) {
      const field = (err as { details?: { field?: string } }).details?.field ?? null;
      setError({ field, message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error?.field === f ? error.message : null);
  return (
    <Card aria-label="New collection">
      <CardHeader title="New collection" subtitle="Documents are cut into overlapping chunks; a search returns chunks, each with its source, page and section." />
      <form className="card-body stack" onSubmit={create} onKeyDown={submitOnModEnter} aria-label="New collection">
        <div className="form-grid" style={{ gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)' }}>
          <Field label="Name" help="How the collection is listed and chosen in the Playground." error={fieldError('name')}>
            {(id, d) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} placeholder="manuals" autoFocus />}
          </Field>
          <Field label="Embedding model" optional help="A sentence encoder (BERT, MiniLM, BGE, E5, RoBERTa, XLM-R, nomic-embed) as an imported model or a folder path, for dense and hybrid search. Leave empty for keyword search (BM25) only." error={fieldError('embedModel')}>
            {(id, d) => (
              <>
                <input id={id} className="input" list="embed-models" value={embedModel} onChange={(e) => setEmbedModel(e.target.value)} aria-describedby={d} placeholder="none: BM25 only" />
                <datalist id="embed-models">{(models.data ?? []).map((m) => <option key={m.id} value={m.name} />)}</datalist>
              </>
            )}
          </Field>
        </div>
        <div className="form-grid" style={{ gridTemplateColumns: 'repeat(2, minmax(0, 12rem))' }}>
          <Field label="Chunk size" help="In the model's tokens (words without a model)." error={fieldError('chunkTokens')}>
            {(id, d) => <input id={id} className="input" inputMode="numeric" value={chunkTokens} onChange={(e) => setChunkTokens(e.target.value)} aria-describedby={d} />}
          </Field>
          <Field label="Overlap" help="Tokens a chunk repeats from the one before." error={fieldError('overlapTokens')}>
            {(id, d) => <input id={id} className="input" inputMode="numeric" value={overlap} onChange={(e) => setOverlap(e.target.value)} aria-describedby={d} />}
          </Field>
        </div>
        {error && !['name', 'embedModel', 'chunkTokens', 'overlapTokens'].includes(error.field ?? '') && <p className="field-error" role="alert">{error.message}</p>}
        <div className="row">
          <span className="spacer" />
          {onCancel && <Button onClick={onCancel}>Cancel</Button>}
          <Button type="submit" variant="primary" icon="plus" disabled={busy || !name.trim()} shortcut={`${MOD}↵`}>{busy ? 'Creating…' : 'Create collection'}</Button>
        </div>
      </form>
    </Card>
  );
}
