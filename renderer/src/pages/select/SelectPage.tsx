// Stage 2, Select: bring a base model in, then read its card — what it is made of and what it will cost —
// before adapting it. Models belong to the studio, not to one project: any project can try any model.
import { useItemAddress, type PageId } from '../../app/routes.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { Button, Card, CardHeader, EmptyState, PageHeader, ReadError } from '../../ui/primitives.tsx';
import { AddModelPanel } from './AddModelPanel.tsx';
import { humanCount } from '../../../../native/api/format.ts';
import { ModelCardView } from './ModelCardView.tsx';

/** The playground opens with the model chosen here. */
export const PLAYGROUND_MODEL_KEY = 'lathe.playground.model';

export function SelectPage({ navigate }: { navigate(page: PageId): void }) {
  const list = useQuery('models.list', {});
  // In the address (#/select/<id>): a reload, Back and Forward keep the model shown.
  const { id: selectedId, select: setSelectedId, forget } = useItemAddress('select');
  const models = [...(list.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const selected = models.find((m) => m.id === selectedId) ?? models[0] ?? null;

  return (
    <div className="page">
      <PageHeader
        title="Select"
        lede="Choose the base model to build on. Its card shows what it is made of and what it needs in memory, so you can check it fits your device before adapting it."
        actions={
          <Button icon="sparkle" onClick={() => { window.location.hash = '/select/pretrain'; }} title="Pretrain a small model on your own text">
            Train from scratch
          </Button>
        }
      />
      {list.data && (
        <AddModelPanel
          key={models.length === 0 ? 'first' : 'more'}
          startCollapsed={models.length > 0}
          onAdded={(m) => { setSelectedId(m.id); list.reload(); }}
        />
      )}
      <ReadError what="Could not load models" read={list} />
      {list.data && models.length === 0 && (
        <Card>
          <EmptyState icon="box" title="No models yet">
            Start small: a model of a few million parameters answers instantly on any laptop and is enough to learn prompting and decoding. Bring in bigger ones when the task needs them.
          </EmptyState>
        </Card>
      )}
      {selected && (
        <div className="split">
          <Card aria-label="Model list">
            <CardHeader title="Models" subtitle={`${models.length} in this studio`} />
            <div className="list">
              {models.map((m) => (
                <button key={m.id} className="list-item" aria-current={m.id === selected.id} onClick={() => setSelectedId(m.id)}>
                  <strong>{m.name}</strong>
                  <span className="muted small">{humanCount(m.parameterCount)} parameters · {m.architecture.replace(/ForCausalLM|LMHeadModel/, '')}{m.kind === 'encoder' ? ' · embedding model' : ''}</span>
                </button>
              ))}
            </div>
          </Card>
          <ModelCardView
            key={selected.id}
            modelId={selected.id}
            onOpenPlayground={() => { localStorage.setItem(PLAYGROUND_MODEL_KEY, selected.id); navigate('adapt'); }}
            onDeleted={() => { forget(); list.reload(); }}
          />
        </div>
      )}
    </div>
  );
}
