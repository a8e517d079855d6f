// The project's training runs, newest first, each with its status; the selected one is shown beside it.
// Shared by fine-tuning, pretraining and alignment. A run whose dataset has since been deleted stays listed, marked
// "deleted dataset" as its Configuration marks it.
import type { Run } from '../../../../native/api/schemas.ts';
import { formatDate } from '../../domain/format.ts';
import { Badge, Card, CardHeader, CreateAction } from '../../ui/primitives.tsx';
import { WholeWords } from '../../ui/cells.tsx';
import { RUN_STATUS_TONE, runConfig } from './runFormat.ts';
import { plural } from '../../../../native/api/format.ts';

/**
 * `onNew`, `newLabel`: the list's create action, on a tab whose page header is shared (Fine-tune, Align); a page with a
 * header of its own carries it there instead (Train from scratch: CreateAction says the rule).
 * `datasets`: the studio's datasets once loaded (a run's dataset is called deleted only against a list that has arrived). */
export function TrainingRunList({ title, runs, selectedId, onSelect, onNew, newLabel, empty, datasets }: { title: string; runs: Run[]; selectedId: string | null; onSelect(id: string): void; onNew?(): void; newLabel?: string; empty: string; datasets?: readonly { id: string }[] }) {
  const known = datasets ? new Set(datasets.map((d) => d.id)) : null;
  return (
    <Card aria-label={title} className="ft-runlist">
      <CardHeader title={title} subtitle={runs.length ? `${runs.length} in this project` : undefined} actions={newLabel && onNew ? <CreateAction size="sm" onClick={onNew} aria-pressed={selectedId === null}>{newLabel}</CreateAction> : null} />
      {runs.length === 0 ? (
        <p className="muted small ft-runlist-empty">{empty}</p>
      ) : (
        <div role="list" className="list">
          {runs.map((r) => {
            const c = runConfig(r);
            const datasetGone = known !== null && typeof c.datasetId === 'string' && !known.has(c.datasetId);
            return (
              <button key={r.id} role="listitem" className="list-item" aria-current={r.id === selectedId} onClick={() => onSelect(r.id)} data-testid="training-run">
                <span className="row align-start"><strong className="ft-runlist-name" title={r.name}><WholeWords text={r.name} /></strong><Badge tone={RUN_STATUS_TONE[r.status] ?? 'neutral'}>{r.status}</Badge></span>
                <span className="muted small">
                  {r.kind === 'pretrain' ? `${c.family === 'llama' ? 'Llama' : 'GPT-2'} · ${c.layers ?? '?'}×${c.dModel ?? '?'}` : r.kind === 'reward' ? 'Reward model' : `${r.kind === 'dpo' ? 'DPO · ' : r.kind === 'ppo' ? 'PPO · ' : ''}${c.method === 'full' ? 'Full' : 'LoRA'}`}
                  {c.maxSteps ? ` · ${plural(c.maxSteps, 'step')}` : c.steps ? ` · ${plural(c.steps, r.kind === 'ppo' ? 'iteration' : 'step')}` : ''} · {formatDate(r.createdAt)}
                </span>
                {datasetGone && <span className="small" title={`${c.datasetId}: no longer in the studio`}><Badge>deleted dataset</Badge></span>}
              </button>
            );
          })}
        </div>
      )}
    </Card>
  );
}
