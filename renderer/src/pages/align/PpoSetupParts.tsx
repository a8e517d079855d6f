// The parts of the Align form only PPO has: the prompts it will continue (the column it reads, as the engine picks
// it, and the first few rows), the reward run that scores the rollouts, and the KL mode (adaptive toward a target,
// or a fixed β — 0 for no penalty, the run to compare against).
import type { Dataset, Run } from '../../../../native/api/schemas.ts';
import { plural } from '../../../../native/api/format.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatDate } from '../../domain/format.ts';
import { Button, Callout, Field, ReadError, Select } from '../../ui/primitives.tsx';
import type { AlignForm } from './alignForm.ts';

const PROMPT_COLUMNS = ['prompt', 'query', 'text'];

/** The column PPO reads prompts from, as native/train/ppo-plan.ts picks it: the mapped prompt or text, else one named so. */
export function promptColumn(d: Pick<Dataset, 'mapping' | 'columns'>): string | null {
  return d.mapping.prompt ?? d.mapping.text ?? d.columns.find((c) => PROMPT_COLUMNS.includes(c.toLowerCase())) ?? null;
}

/** Why PPO cannot read this dataset, or null when it can. */
export function ppoDataBlock(d: Dataset | undefined): string | null {
  if (!d) return 'Choose a dataset of prompts.';
  if (!promptColumn(d)) return `${d.name} has no prompt, query or text column; map its column of prompts as prompt on the Datasets page.`;
  if (!(d.splits.train ?? 0)) return `${d.name} has no training prompts.`;
  if (!(d.splits.validation ?? 0)) return `${d.name} has no validation split: PPO scores held-out rollouts on it. Import it again with a validation share.`;
  return null;
}

export function PpoPromptPreview({ dataset, onMapColumns }: { dataset: Dataset | undefined; onMapColumns(): void }) {
  const rows = useQuery('datasets.rows', dataset ? { id: dataset.id, split: 'train', limit: 3 } : null);
  const block = ppoDataBlock(dataset);
  const column = dataset ? promptColumn(dataset) : null;
  if (block) {
    return (
      <div className="stack" data-testid="align-preview">
        <Callout tone="warning" title="This dataset cannot feed PPO yet">{block}</Callout>
        {dataset && !column && <div><Button size="sm" onClick={onMapColumns}>Map columns on the Datasets page</Button></div>}
      </div>
    );
  }
  return (
    <div className="stack gap-2" data-testid="align-preview">
      <span className="small">
        Prompts ← <span className="mono">{column}</span> · <strong>{plural(dataset!.splits.train ?? 0, 'training prompt')}</strong>, {plural(dataset!.splits.validation ?? 0, 'held-out prompt')} <span className="muted">(the validation split: scored before, during and after training)</span>
      </span>
      <ReadError what="Could not read the prompts" read={rows} />
      {rows.data && (
        <ul className="al-prompts stale-view" aria-label="The first prompts" aria-busy={rows.pending}>
          {rows.data.rows.map((r, i) => <li key={i} className="small" data-testid="align-prompt">{String(r[column!] ?? '')}<span className="al-continues" aria-hidden> …</span></li>)}
        </ul>
      )}
    </div>
  );
}

/** The reward runs that can score: finished ones. */
export const usableRewardRuns = (runs: readonly Run[]): Run[] => runs.filter((r) => r.kind === 'reward' && r.status === 'succeeded');

export function RewardRunField({ form, runs, onChange, onTrainOne }: { form: AlignForm; runs: Run[]; onChange(id: string): void; onTrainOne(): void }) {
  if (runs.length === 0) {
    return (
      <div className="span-2">
        <Callout tone="warning" title="PPO needs a reward model first">
          Train one with the Reward model method (a classifier on labelled texts, such as positive / negative reviews, or a pairwise model on preference pairs); when it has finished, it can score the rollouts here.
          <div className="callout-action"><Button size="sm" onClick={onTrainOne}>Train a reward model</Button></div>
        </Callout>
      </div>
    );
  }
  return (
    <Field label="Reward model" help="A finished reward run (this project’s first): it scores each prompt + completion (a classifier by its last label, e.g. positive).">
      {(id, d) => (
        <Select id={id} aria-describedby={d} value={form.rewardRunId} onChange={(e) => onChange(e.target.value)}>
          {runs.map((r) => <option key={r.id} value={r.id}>{r.name} · {formatDate(r.createdAt)}</option>)}
        </Select>
      )}
    </Field>
  );
}

export function KlModePicker({ mode, onChange }: { mode: AlignForm['klMode']; onChange(mode: AlignForm['klMode']): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label="KL penalty">
      <button type="button" role="radio" aria-checked={mode === 'adaptive'} onClick={() => onChange('adaptive')}>Adaptive KL · β steers toward a target</button>
      <button type="button" role="radio" aria-checked={mode === 'fixed'} onClick={() => onChange('fixed')}>Fixed β · 0 for no penalty</button>
    </div>
  );
}
