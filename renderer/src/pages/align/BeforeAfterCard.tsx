// A PPO run's before / after samples (align.samples): each held-out prompt's completion by the policy before training
// (iteration 0) beside the one a later iteration wrote — the latest that scored the held-out prompts, or one picked
// — each with the reward model's score, the change per prompt and the mean before → after. Sampled with the same
// seed every time, so the two columns differ by the policy alone. Read again as a live run goes.
import { useEffect, useState } from 'react';
import type { HeldoutPair } from '../../../../native/api/align.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatSigned } from '../../domain/format.ts';
import { Card, CardHeader, EmptyState, ReadError, Select, Stat } from '../../ui/primitives.tsx';
import { Completion, formatScore, PromptRow } from './PpoRunParts.tsx';
import './align.css';

/** A signed change: +0.412, −0.087, ±0.000. */
export const formatChange = (v: number): string => formatSigned(v, formatScore);

/**
 * One held-out prompt: the prompt across the whole table, and under it the two completions side by side. As a
 * column of its own beside two completions the prompt was squeezed to a word or two a line (the Align page at 1440
 * px, align-ppo-live); read above them it takes the table's width, and the completions share what is left.
 */
function PairRows({ pair }: { pair: HeldoutPair }) {
  const tone = pair.change === null ? '' : pair.change > 0 ? ' al-up' : pair.change < 0 ? ' al-down' : '';
  return (
    <tbody data-testid="sample-row">
      <PromptRow prompt={pair.prompt} span={5} testId="sample-prompt" />
      <tr>
        <td className="al-rollout-completion" data-testid="sample-before"><Completion text={pair.before.completion} /></td>
        <td className="num mono" data-testid="sample-before-score">{formatScore(pair.before.score)}</td>
        <td className="al-rollout-completion" data-testid="sample-after">{pair.after ? <Completion text={pair.after.completion} /> : <span className="faint">—</span>}</td>
        <td className="num mono" data-testid="sample-after-score">{pair.after ? formatScore(pair.after.score) : '—'}</td>
        <td className={`num mono${tone}`} data-testid="sample-change">{pair.change === null ? '—' : formatChange(pair.change)}</td>
      </tr>
    </tbody>
  );
}

export function BeforeAfterCard({ runId, live, lastStep, evalEvery }: { runId: string; live: boolean; lastStep: number; evalEvery: number | null }) {
  const [picked, setPicked] = useState<number | null>(null);
  const samples = useQuery('align.samples', picked === null ? { runId } : { runId, step: picked });
  const { reload } = samples;
  // a new iteration may have scored the held-out prompts; the run's end writes its last evaluation
  useEffect(() => {
    if (picked === null) reload();
  }, [lastStep, live, picked, reload]);

  const s = samples.data;
  const later = (s?.steps ?? []).filter((step) => step > 0);
  const change = s && s.meanBefore !== null && s.meanAfter !== null ? s.meanAfter - s.meanBefore : null;
  const when = evalEvery ? `every ${evalEvery} iterations and at the end` : 'at the end';
  return (
    <Card aria-label="Before and after" data-testid="before-after">
      <CardHeader
        title="Before / after on held-out prompts"
        subtitle={s?.afterStep != null
          ? `Iteration 0 (before training) beside iteration ${s.afterStep}: the same prompts and sampling seed, so only the policy changed. Scores are the reward model’s.`
          : 'The same held-out prompts continued before training and later, scored by the reward model.'}
        actions={later.length > 0 && (
          <div className="row">
            <Select aria-label="Compare with iteration" className="al-iteration" value={picked ?? ''} onChange={(e) => setPicked(e.target.value === '' ? null : Number(e.target.value))}>
              <option value="">Latest ({later.at(-1)})</option>
              {[...later].reverse().map((step) => <option key={step} value={step}>Iteration {step}</option>)}
            </Select>
          </div>
        )}
      />
      <ReadError className="card-body" what="Could not read the held-out samples" read={samples} />
      {!samples.error && s && s.pairs.length === 0 && (
        <EmptyState icon="activity" title="No held-out samples yet">
          Before its first update the run continues the held-out prompts (its dataset’s validation split) and scores them; it does so again {when}. The completions appear here side by side once the first are scored.
        </EmptyState>
      )}
      {s && s.pairs.length > 0 && (
        <div className="card-body stack gap-3 stale-view" aria-busy={samples.pending}>
          <div className="ft-stats ft-stats-4" data-testid="sample-means">
            <Stat label="Mean score before" value={s.meanBefore === null ? '—' : formatScore(s.meanBefore)} mono />
            <Stat label={s.afterStep === null ? 'Mean score after' : `Mean score at ${s.afterStep}`} value={s.meanAfter === null ? '—' : formatScore(s.meanAfter)} mono />
            <Stat label="Change" value={change === null ? '—' : formatChange(change)} mono />
            <Stat label="KL after" value={s.klAfter === null ? '—' : formatScore(s.klAfter)} mono />
          </div>
          {s.afterStep === null && <p className="small muted">Only the policy before training has been scored so far; the held-out prompts are scored again {when}, and the after column fills in then.</p>}
          <div className="al-rollouts-wrap">
            <table className="table al-rollouts al-samples" data-testid="sample-table">
              <thead>
                <tr>
                  <th>Before · iteration 0</th>
                  <th className="num">Score</th>
                  <th>{s.afterStep === null ? 'After' : `After · iteration ${s.afterStep}`}</th>
                  <th className="num">Score</th>
                  <th className="num" title="After minus before">Change</th>
                </tr>
              </thead>
              {s.pairs.map((p, i) => <PairRows key={i} pair={p} />)}
            </table>
          </div>
        </div>
      )}
    </Card>
  );
}
