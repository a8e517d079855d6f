// What a PPO run shows, live and afterwards: the curves TRL users watch (score mean ± std with the held-out score,
// KL and its coefficient, policy and value loss, clip fraction, entropy), a note beside the KL on reward hacking
// and how to compare a run with and without the penalty, and the rollout table (prompt, completion, score, KL) of any
// iteration, read from align.rollouts and read again while the run goes. The run page shows the same table.
import { useEffect, useState } from 'react';
import type { RolloutRow } from '../../../../native/api/align.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { withTrueMinus } from '../../domain/format.ts';
import { SERIES_COLORS as c } from '../../ui/charts/scale.ts';
import { Card, CardHeader, EmptyState, ReadError, Select } from '../../ui/primitives.tsx';
import { compareHash } from '../compare/route.tsx';
import { formatLoss } from '../finetune/runFormat.ts';
import { TrainingChart } from '../finetune/TrainingChart.tsx';
import type { MetricPoint, RunMetrics } from '../finetune/useRunMetrics.ts';
import { axisLabelOf, yAxisOf } from '../runs/trainingMetrics.ts';
import { stepUnitOf } from '../../../../native/api/run-kinds.ts';
import './align.css';

/** How often a live run's rollout table is read again (one small JSON file per call). */
const ROLLOUT_POLL_MS = 2000;

export const formatScore = (v: number): string => withTrueMinus(Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
const formatShare = (v: number): string => v.toFixed(2);

const shifted = (mean: MetricPoint[], std: MetricPoint[], sign: 1 | -1): MetricPoint[] => {
  const byStep = new Map(std.map((p) => [p.step, p.value]));
  return mean.filter((p) => byStep.has(p.step)).map((p) => ({ step: p.step, value: p.value + sign * byStep.get(p.step)! }));
};

/** PPO's metrics are one value per iteration, and its charts say so. */
const PER = stepUnitOf('ppo');

export function PpoCharts({ metrics, planned, adaptive, compareWith, runId }: { metrics: RunMetrics; planned: number | null; adaptive: boolean; compareWith: { id: string; name: string } | null; runId: string }) {
  const mean = metrics['score/mean'] ?? [];
  const std = metrics['score/std'] ?? [];
  return (
    <>
      <TrainingChart testId="chart-score" title="Score: mean ± std" description="The reward model’s score of each iteration’s rollouts (the band is one standard deviation); dots: the held-out prompts, the same every time, so they move with the policy alone." xMax={planned} xLabel={PER} yLabel={axisLabelOf('score/mean')} format={formatScore}
        series={[
          { name: 'mean', color: c[0], points: mean },
          { name: '+ std', color: c[0], points: shifted(mean, std, 1), dashed: true },
          { name: '− std', color: c[0], points: shifted(mean, std, -1), dashed: true },
          { name: 'held-out mean', color: c[2], points: metrics['eval/score_mean'] ?? [], dots: true },
        ]} />
      <TrainingChart testId="chart-kl" title="KL from the reference" description="Σ log π − log π_ref over each completion, averaged: how far the policy has moved (0 at the start)." xMax={planned} xLabel={PER} yLabel={axisLabelOf('kl')} format={formatScore}
        series={[{ name: 'rollouts', color: c[3], points: metrics.kl ?? [] }, { name: 'held-out', color: c[2], points: metrics['eval/kl'] ?? [], dots: true }]} />
      <KlNote adaptive={adaptive} compareWith={compareWith} runId={runId} />
      <TrainingChart testId="chart-kl-coef" title="KL coefficient β" description={adaptive ? 'The adaptive controller raises β when the KL overshoots its target and lowers it when under.' : 'Fixed for this run.'} xMax={planned} xLabel={PER} yLabel={axisLabelOf('kl_coef')} zero format={formatScore}
        series={[{ name: 'β', color: c[4], points: metrics.kl_coef ?? [] }]} />
      <TrainingChart testId="chart-losses" title="Policy and value loss" description="Means over the iteration’s minibatches: the clipped policy objective and the value head’s clipped loss." xMax={planned} xLabel={PER} yLabel={axisLabelOf('loss/policy')} format={formatLoss}
        series={[{ name: 'policy', color: c[0], points: metrics['loss/policy'] ?? [] }, { name: 'value', color: c[1], points: metrics['loss/value'] ?? [] }]} />
      <TrainingChart testId="chart-clipfrac" title="Clip fraction" description="Share of tokens whose probability ratio hit the clip range; high means updates too big for the batch." xMax={planned} xLabel={PER} {...yAxisOf('clipfrac')} format={formatShare}
        series={[{ name: 'policy', color: c[0], points: metrics.clipfrac ?? [] }, { name: 'value', color: c[1], points: metrics['clipfrac/value'] ?? [] }]} />
      <TrainingChart testId="chart-entropy" title="Entropy" description="Of the policy’s next-token distribution; a collapse toward 0 means it writes the same thing every time." xMax={planned} xLabel={PER} yLabel={axisLabelOf('entropy')} zero format={formatLoss}
        series={[{ name: 'entropy', color: c[5], points: metrics.entropy ?? [] }]} />
    </>
  );
}

function KlNote({ adaptive, compareWith, runId }: { adaptive: boolean; compareWith: { id: string; name: string } | null; runId: string }) {
  return (
    <aside className="al-klnote small" aria-label="About the KL" data-testid="kl-note">
      <strong>Score up, KL bounded: that is the goal.</strong>
      <p>A score that keeps rising while the KL runs away is <strong>reward hacking</strong>: the policy has found what the reward model likes rather than what people do — read the rollouts below to see it.</p>
      <p className="muted">
        {adaptive ? 'This run’s β adapts to hold the KL near its target.' : 'This run keeps β fixed.'} To see what the penalty buys, start the same run with <em>Fixed β</em> at 0 and compare the two: the Compare view overlays their score and KL curves.
      </p>
      {compareWith && <a className="btn btn-sm" href={`#${compareHash([runId, compareWith.id])}`} data-testid="kl-compare">Compare with “{compareWith.name}”</a>}
    </aside>
  );
}

/**
 * A completion as it is shown under its prompt: without the space (or line break) the tokenizer put at its start,
 * which set it one character right of the prompt above it. Only the display: the rollouts and samples keep it.
 */
export function Completion({ text }: { text: string }) {
  const shown = text.trimStart();
  if (text === '') return <span className="faint">(nothing: end of text at once)</span>;
  return shown === '' ? <span className="faint">(white space only)</span> : <>{shown}</>;
}

/** A prompt as the header of its rows, across the whole table, read above the completions that continue it. */
export function PromptRow({ prompt, span, testId }: { prompt: string; span: number; testId: string }) {
  return (
    <tr className="al-prompt-row">
      <th scope="rowgroup" colSpan={span} data-testid={testId}><span className="visually-hidden">Prompt: </span>{prompt}</th>
    </tr>
  );
}

/**
 * One iteration's rollouts: each prompt across the table, its completion, score and KL under it (as the before /
 * after card reads). As a column of 32% beside the completion the prompt wrapped to a few words a line.
 */
export function RolloutRows({ rows, testId }: { rows: RolloutRow[]; testId: string }) {
  return (
    <table className="table al-rollouts" data-testid={testId}>
      <thead><tr><th>Completion</th><th className="num">Score</th><th className="num" title="Σ log π − log π_ref over the completion">KL</th></tr></thead>
      {rows.map((r, i) => (
        <tbody key={i} data-testid="rollout-row">
          <PromptRow prompt={r.prompt} span={3} testId="rollout-prompt" />
          <tr>
            <td className="al-rollout-completion" data-testid="rollout-completion"><Completion text={r.completion} /></td>
            <td className="num mono" data-testid="rollout-score">{formatScore(r.score)}</td>
            <td className="num mono faint" data-testid="rollout-kl">{formatScore(r.kl)}</td>
          </tr>
        </tbody>
      ))}
    </table>
  );
}

/** A PPO run's rollouts of one iteration (the newest unless one is picked), read again every few seconds while `live`. */
export function RolloutTableCard({ runId, live, lastStep }: { runId: string; live: boolean; lastStep: number }) {
  const [picked, setPicked] = useState<number | null>(null);
  const [which, setWhich] = useState<'train' | 'heldout'>('train');
  const rollouts = useQuery('align.rollouts', picked === null ? { runId } : { runId, step: picked });
  const { reload } = rollouts;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, ROLLOUT_POLL_MS);
    return () => clearInterval(timer);
  }, [live, reload]);
  // a new iteration, and the run's end (its last table is written after its last metrics), read the newest again
  useEffect(() => {
    if (picked === null) reload();
  }, [lastStep, live, picked, reload]);

  const table = rollouts.data?.table ?? null;
  const steps = rollouts.data?.steps ?? [];
  // iteration 0 scores only the held-out prompts (the policy before training)
  const showing = table?.heldout && (which === 'heldout' || table.train.length === 0) ? 'heldout' : 'train';
  const rows = table ? (showing === 'heldout' ? table.heldout ?? [] : table.train) : [];
  const mean = rows.length ? rows.reduce((s, r) => s + r.score, 0) / rows.length : null;
  return (
    <Card aria-label="Rollouts">
      <CardHeader
        title="Rollouts"
        subtitle={table ? `Iteration ${table.step}${table.step === 0 ? ' (before training)' : ''} · β ${formatScore(table.klCoef)}${mean === null ? '' : ` · mean score ${formatScore(mean)}`}${live && picked === null ? ' · following the run' : ''}` : 'What the policy wrote and how the reward model scored it.'}
        actions={steps.length > 0 && (
          <div className="row">
            {table?.heldout && (
              <div className="segmented" role="radiogroup" aria-label="Rollouts shown">
                <button type="button" role="radio" aria-checked={showing === 'train'} disabled={table.train.length === 0} onClick={() => setWhich('train')}>Training batch</button>
                <button type="button" role="radio" aria-checked={showing === 'heldout'} onClick={() => setWhich('heldout')}>Held-out</button>
              </div>
            )}
            <Select aria-label="Iteration" className="al-iteration" value={picked ?? ''} onChange={(e) => setPicked(e.target.value === '' ? null : Number(e.target.value))}>
              <option value="">Latest{table && picked === null ? ` (${table.step})` : ''}</option>
              {[...steps].reverse().map((s) => <option key={s} value={s}>{s === 0 ? 'Before training (0)' : `Iteration ${s}`}</option>)}
            </Select>
          </div>
        )}
      />
      <ReadError className="card-body" what="Could not read the rollouts" read={rollouts} />
      {!rollouts.error && rollouts.data && !table && (
        <EmptyState icon="activity" title="No rollouts yet">The first table appears once the policy has written and the reward model scored the held-out prompts, before the first update.</EmptyState>
      )}
      {table && rows.length > 0 && <div className="card-body al-rollouts-wrap stale-view" aria-busy={rollouts.pending}><RolloutRows rows={rows} testId="rollout-table" /></div>}
    </Card>
  );
}
