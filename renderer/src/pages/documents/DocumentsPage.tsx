// Documents (a tab of Adapt & align, #/adapt/documents): the project's collections for retrieval (RAG). List them with their size and embedding model, create
// one, and open one to import files or folders (a job, with each file it could not read named), remove documents and
// try searches. The playground's "Use collection" answers from what is made here.
import { useState, type ReactNode } from 'react';
import type { Collection } from '../../../../native/api/rag.ts';
import { plural } from '../../../../native/api/format.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery } from '../../app/StudioContext.tsx';
import { Card, CardHeader, CreateAction, EmptyState, ReadError } from '../../ui/primitives.tsx';
import { CollectionDetail } from './CollectionDetail.tsx';
import { CreateCollection } from './CreateCollection.tsx';
import '../playground/playground.css';
import './documents.css';

/** `action`: the list card's create action (CreateAction), in the header of its first section. */
function CollectionList({ title, subtitle, collections, selectedId, onSelect, action }: { title: string; subtitle: string; collections: Collection[]; selectedId: string; onSelect(id: string): void; action?: ReactNode }) {
  return (
    <section aria-label={title}>
      <CardHeader title={title} subtitle={subtitle} actions={action} />
      <div className="list">
        {collections.map((c) => (
          <button key={c.id} className="list-item" aria-current={c.id === selectedId} onClick={() => onSelect(c.id)}>
            <strong>{c.name}</strong>
            <span className="muted small">{plural(c.documentCount, 'document')} · {plural(c.chunkCount, 'chunk')} · {c.embedModel ? 'BM25 + vectors' : 'BM25 only'}</span>
          </button>
        ))}
      </div>
    </section>
  );
}

/** `onUse`: go to the playground, where “Use collection” answers from a collection. */
export function DocumentsPage({ onUse }: { onUse(): void }) {
  const { current, loading: projectsLoading } = useProjects();
  const list = useQuery('collections.list', projectsLoading ? null : {});
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const all = list.data ?? [];
  const inProject = current ? all.filter((c) => c.projectId === current.id) : [];
  const elsewhere = all.filter((c) => c.projectId === null);
  const offered = [...inProject, ...elsewhere];
  const selected = offered.find((c) => c.id === selectedId) ?? offered[0] ?? null;
  const showForm = creating || (list.data !== undefined && offered.length === 0);
  // The list card's create action, top right of its first section (CreateAction): it sat in the card's body, above it.
  const create = showForm ? null : <CreateAction size="sm" onClick={() => setCreating(true)}>New collection</CreateAction>;

  return (
    <div className="stack">
      <ReadError what="Could not load collections" read={list} />
      {showForm && (
        <CreateCollection
          projectId={current?.id ?? null}
          focusName={creating}
          onCancel={offered.length > 0 ? () => setCreating(false) : undefined}
          onCreated={(c) => { setCreating(false); setSelectedId(c.id); list.reload(); }}
        />
      )}
      {list.data !== undefined && offered.length === 0 && (
        <Card>
          <EmptyState icon="file" title="No collection yet">
            Name a collection above, then import a folder of documents into it. Try a search to see which passages come back, then turn on “Use collection” in the playground to answer questions from them with citations.
          </EmptyState>
        </Card>
      )}
      {selected && (
        <div className="split">
          <Card aria-label="Collection list">
            {inProject.length > 0 && <CollectionList title="In this project" subtitle={plural(inProject.length, 'collection')} collections={inProject} selectedId={selected.id} onSelect={setSelectedId} action={create} />}
            {elsewhere.length > 0 && <CollectionList title="Not in any project" subtitle={`${plural(elsewhere.length, 'collection')} · made without a project`} collections={elsewhere} selectedId={selected.id} onSelect={setSelectedId} action={inProject.length > 0 ? null : create} />}
          </Card>
          <CollectionDetail key={selected.id} collection={selected} onChanged={() => list.reload()} onDeleted={() => { setSelectedId(null); list.reload(); }} onUse={onUse} />
        </div>
      )}
    </div>
  );
}
