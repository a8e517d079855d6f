// A new collection: its name, the model that embeds its chunks (none: BM25 only), and how documents are cut.
import { useState, type FormEvent } from 'react';
import type { Collection } from '../../../../native/api/rag.ts';
import { fieldRefusal } from '../../api/errors.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Button, Card, CardHeader, Field, Select } from '../../ui/primitives.tsx';

const FOLDER = '::folder';
/** The fields that show their own refusal under them; any other refusal is shown below the form. */
const FIELDS = ['name', 'embedModel', 'chunkTokens', 'overlapTokens'];

/** `focusName` only after an explicit "New collection": on page load a focused field would swallow the studio's shortcuts (?, g d …). */
export function CreateCollection({ projectId, onCreated, onCancel, focusName = false }: { projectId: string | null; onCreated(c: Collection): void; onCancel?: () => void; focusName?: boolean }) {
  const studio = useStudio();
  const models = useQuery('models.list', {});
  const [name, setName] = useState('');
  /** '' none (BM25 only), FOLDER the path typed below, else an imported model's id. */
  const [embedChoice, setEmbedChoice] = useState('');
  const [embedFolder, setEmbedFolder] = useState('');
  const embedModel = embedChoice === FOLDER ? embedFolder.trim() : embedChoice;
  const encoders = (models.data ?? []).filter((m) => m.kind === 'encoder');
  const decoders = (models.data ?? []).filter((m) => m.kind === 'decoder');
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
        name: name.trim(), projectId, embedModel: embedModel || null,
        chunkTokens: Number(chunkTokens), overlapTokens: Number(overlap),
      });
      onCreated(c);
    } catch (err) {
      const { field, message } = fieldRefusal(err, FIELDS);
      setError({ field: field ?? null, message });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error?.field === f ? error.message : null);
  return (
    <Card aria-label="New collection">
      <CardHeader title="New collection" subtitle="Documents are cut into overlapping chunks; a search returns chunks, each with its source, page and section." />
      <form className="card-body stack" onSubmit={create} onKeyDown={submitOnModEnter} aria-label="New collection">
        <div className="form-grid">
          <Field label="Name" help="How the collection is listed and chosen in the playground." error={fieldError('name')}>
            {(id, d) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} placeholder="manuals" autoFocus={focusName} />}
          </Field>
          <Field
            label="Embedding model" optional error={fieldError('embedModel')}
            help={encoders.length
              ? 'An imported sentence encoder (BERT, MiniLM, BGE, E5, RoBERTa, XLM-R, nomic-embed) for dense and hybrid search, or a folder path. None: keyword search (BM25) only.'
              : 'No embedding model imported yet: import a sentence encoder (BERT, MiniLM, BGE, E5, nomic-embed) on the Select page, or give its folder path. None: keyword search (BM25) only.'}
          >
            {(id, d) => (
              <div className="stack gap-2">
                <Select id={id} value={embedChoice} onChange={(e) => setEmbedChoice(e.target.value)} aria-describedby={d}>
                  <option value="">None: keyword search (BM25) only</option>
                  {encoders.length > 0 && (
                    <optgroup label="Embedding models">
                      {encoders.map((m) => <option key={m.id} value={m.id}>{m.name} ({m.architecture})</option>)}
                    </optgroup>
                  )}
                  {decoders.length > 0 && (
                    <optgroup label="Text-generation models (rough fallback: mean of hidden states)">
                      {decoders.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
                    </optgroup>
                  )}
                  <option value={FOLDER}>A Hugging Face folder path…</option>
                </Select>
                {embedChoice === FOLDER && <input className="input" aria-label="Embedding model folder" value={embedFolder} onChange={(e) => setEmbedFolder(e.target.value)} placeholder="/path/to/bge-small-en-v1.5" autoFocus />}
              </div>
            )}
          </Field>
          <Field label="Chunk size" help="In the model's tokens (words without a model)." error={fieldError('chunkTokens')}>
            {(id, d) => <div className="input-suffix"><input id={id} className="input" inputMode="numeric" value={chunkTokens} onChange={(e) => setChunkTokens(e.target.value)} aria-describedby={d} /><span>tokens</span></div>}
          </Field>
          <Field label="Overlap" help="What a chunk repeats from the one before." error={fieldError('overlapTokens')}>
            {(id, d) => <div className="input-suffix"><input id={id} className="input" inputMode="numeric" value={overlap} onChange={(e) => setOverlap(e.target.value)} aria-describedby={d} /><span>tokens</span></div>}
          </Field>
        </div>
        {error && !FIELDS.includes(error.field ?? '') && <p className="field-error" role="alert">{error.message}</p>}
        <div className="row">
          <span className="spacer" />
          {onCancel && <Button onClick={onCancel}>Cancel</Button>}
          <Button type="submit" variant="primary" icon="plus" disabled={busy || !name.trim()} shortcut={`${MOD}↵`}>{busy ? 'Creating…' : 'Create collection'}</Button>
        </div>
      </form>
    </Card>
  );
}
