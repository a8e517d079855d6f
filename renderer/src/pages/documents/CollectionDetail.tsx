// One collection: its facts (documents, chunks, characters, the embedding model, how it is cut), importing more,
// its documents (each removable without touching the rest), a search box to see what retrieval returns, and an
// evaluation of retrieval on a dataset of questions (one run per mode, for Compare).
import { useState } from 'react';
import type { Collection } from '../../../../native/api/rag.ts';
import { collectionContentsNote } from '../../../../native/api/deletion.ts';
import { plural } from '../../../../native/api/format.ts';
import { errorMessage } from '../../api/errors.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { formatCount } from '../../domain/format.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { Badge, Button, DeleteAction, Card, CardHeader, EmptyState, ReadError, Stat } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { CollectionSearch } from './CollectionSearch.tsx';
import { DocumentImport } from './DocumentImport.tsx';
import { RetrievalEval } from './RetrievalEval.tsx';

const lastPart = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

export function CollectionDetail({ collection, onChanged, onDeleted, onUse }: { collection: Collection; onChanged(): void; onDeleted(): void; onUse(): void }) {
  const studio = useStudio();
  const toast = useToast();
  const docs = useQuery('collections.documents', { id: collection.id });
  const models = useQuery('models.list', {});
  // A model folder reads as the imported model's name (by the id the collection records, or the store's folder of
  // that model); a folder outside the store reads as its last part.
  const modelName = (dir: string, id: string | null = null) => (models.data ?? []).find((m) => m.id === id || m.path === dir)?.name ?? lastPart(dir);
  const embedName = collection.embedModel ? modelName(collection.embedModel, collection.embedModelId) : null;
  const [removing, setRemoving] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const documents = docs.data ?? [];
  const chars = documents.reduce((s, d) => s + d.charCount, 0);

  async function removeDocument(id: string, name: string) {
    setRemoving(id);
    try {
      await studio.call('collections.removeDocument', { collection: collection.id, document: id });
      toast.show('success', `Removed ${name}`, 'Its chunks and vectors are gone; the other documents were not touched.');
      docs.reload();
      onChanged();
    } catch (err) {
      toast.show('error', `Could not remove ${name}`, errorMessage(err));
    } finally {
      setRemoving(null);
    }
  }

  async function deleteCollection() {
    try {
      await studio.call('collections.delete', { id: collection.id });
      toast.show('success', `Deleted collection ${collection.name}`);
      onDeleted();
    } catch (err) {
      toast.show('error', `Could not delete ${collection.name}`, errorMessage(err));
    }
  }

  return (
    <div className="stack" aria-label={`Collection ${collection.name}`}>
      <Card>
        <CardHeader
          title={collection.name}
          subtitle={collection.embedModel ? <span>Embedded by <span className="mono">{embedName}</span> ({collection.embedDim} dimensions)</span> : 'Keyword search (BM25) only: no embedding model'}
          actions={<div className="row"><Button size="sm" icon="sparkle" onClick={onUse} disabled={collection.documentCount === 0}>Ask in the playground</Button><DeleteAction size="sm" onClick={() => setConfirmDelete(true)}>Delete</DeleteAction></div>}
        />
        <div className="card-body">
          <div className="grid-4">
            <Stat label="Documents" value={formatCount(collection.documentCount)} />
            <Stat label="Chunks" value={formatCount(collection.chunkCount)} />
            <Stat label="Characters" value={formatCount(chars)} />
            <Stat label="Chunking" value={`${collection.chunkTokens} / ${collection.overlapTokens}`} />
          </div>
          <p className="faint small">Chunks of {collection.chunkTokens} {collection.tokenizerModel ? 'tokens' : 'words'}, each repeating {collection.overlapTokens} from the one before{collection.tokenizerModel ? `, counted by ${modelName(collection.tokenizerModel)}’s tokenizer` : ''}.</p>
        </div>
      </Card>
      <DocumentImport collection={collection} onImported={() => { docs.reload(); onChanged(); }} />
      <Card aria-label="Documents in the collection">
        <CardHeader title="Documents" subtitle={plural(documents.length, 'document')} />
        <ReadError className="card-body" what="Could not list the documents" read={docs} />
        {docs.data && documents.length === 0 ? (
          <EmptyState icon="file" title="Nothing imported yet">Import files or a folder above. Each file is parsed, cut into chunks{collection.embedModel ? ' and embedded' : ''}; files that cannot be read are listed with the reason, and the rest still come in.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th>Name</th><th>Format</th><th className="num">Chunks</th><th className="num">Pages</th><th className="num">Characters</th><th><span className="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {documents.map((d) => (
                  <tr key={d.id}>
                    <td><span title={d.sourcePath}>{d.name}</span></td>
                    <td><Badge>{d.format.toUpperCase()}</Badge></td>
                    <td className="num mono">{formatCount(d.chunkCount)}</td>
                    <td className="num mono">{d.pageCount ?? '—'}</td>
                    <td className="num mono">{formatCount(d.charCount)}</td>
                    <td className="cell-end"><DeleteAction size="sm" aria-label={`Remove ${d.name}`} disabled={removing !== null} onClick={() => void removeDocument(d.id, d.name)}>{removing === d.id ? 'Removing…' : 'Remove'}</DeleteAction></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <CollectionSearch collection={collection} />
      {collection.documentCount > 0 && <RetrievalEval collection={collection} projectId={collection.projectId} />}
      {confirmDelete && (
        <Dialog title={`Delete ${collection.name}?`} onClose={() => setConfirmDelete(false)}>
          <div className="stack">
            <p>{collectionContentsNote(collection)}</p>
            <div className="dialog-actions">
              <Button data-autofocus onClick={() => setConfirmDelete(false)}>Keep it</Button>
              <Button variant="danger" icon="x" onClick={() => void deleteCollection()}>Delete collection</Button>
            </div>
          </div>
        </Dialog>
      )}
    </div>
  );
}
