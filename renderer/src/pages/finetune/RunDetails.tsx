// Below a run's charts: sample generations before and after training (greedy, on held-out prompts) and the
// checkpoints on disk that Resume continues from.
import type { z } from 'zod';
import type { CheckpointInfo, TrainSample } from '../../../../native/api/train.ts';
import { formatDate } from '../../domain/format.ts';
import { Card, CardHeader, EmptyState } from '../../ui/primitives.tsx';
import { plural, humanBytes } from '../../../../native/api/format.ts';
import type { stepUnitOf } from '../../../../native/api/run-kinds.ts';
import { formatLoss } from './runFormat.ts';
import { promptLines, sampleNote, samplesRecordCuts, sampleText } from './sampleText.ts';

type Sample = z.infer<typeof TrainSample>;
type Checkpoint = z.infer<typeof CheckpointInfo>;
type StepUnit = ReturnType<typeof stepUnitOf>;

/** One continuation (or the reference) under its heading, its text trimmed and marked where the token limit cut it. */
function SampleColumn({ label, note, text, cut, tone, testId }: { label: string; note: string; text: string | null; cut?: boolean; tone?: 'after' | 'reference'; testId: string }) {
  const shown = text === null ? null : sampleText(text, cut);
  const stands = text === null ? null : sampleNote(text, cut);
  return (
    <div className={`ft-sample-col${tone ? ` ft-sample-${tone}` : ''}`}>
      <div className="ft-sample-head"><span className="ft-sample-label">{label}</span> <span className="faint small">{note}</span></div>
      <p className="ft-sample-text" data-testid={testId} title={cut ? 'Cut at the token limit' : undefined}>
        {shown === null ? <span className="faint">—</span> : stands !== null ? <span className="faint">{stands}</span> : shown}
      </p>
    </div>
  );
}

/** `resumeRefused`: the engine said this stopped run cannot be resumed, so the empty state does not suggest it. */
export function SamplesCard({ samples, finished, resumeRefused = false }: { samples: Sample[]; finished: boolean; resumeRefused?: boolean }) {
  return (
    <Card aria-label="Sample generations" data-testid="run-samples">
      <CardHeader title="Before and after" subtitle={`Held-out examples: what the base model and the tuned one wrote for the same prompt (greedy), beside the example’s own answer.${samplesRecordCuts(samples) ? ' “…” marks text cut at the token limit.' : ''}`} />
      {samples.length === 0 ? (
        <EmptyState icon="sparkle" title={finished ? 'No samples for this run' : 'Samples come at the end'}>
          {finished ? `A cancelled run writes no samples${resumeRefused ? '.' : '; resume it and let it finish to see what changed.'}` : 'When training finishes, the base model and the tuned model answer the same held-out prompts, so you can read what changed.'}
        </EmptyState>
      ) : (
        <div className="stack ft-samples">
          {samples.map((s, i) => (
            <section key={i} className="ft-sample" aria-label={`Example ${i + 1}`} data-testid="sample">
              <div className="ft-sample-prompt">
                <div className="ft-sample-head"><span className="ft-sample-label">Example {i + 1} · prompt</span> <span className="faint small">what both models were given</span></div>
                <div className="ft-prompt-text" data-testid="sample-prompt">
                  {promptLines(s.prompt).map((line, j) => <div key={j} className={line.heading ? 'ft-prompt-heading' : undefined}>{line.text || '\u00a0'}</div>)}
                </div>
              </div>
              <div className="ft-sample-grid">
                <SampleColumn label="Before" note="base model" text={s.before} cut={s.beforeCut} testId="sample-before" />
                <SampleColumn label="After" note="tuned model" text={s.after} cut={s.afterCut} tone="after" testId="sample-after" />
                {s.reference !== null && <SampleColumn label="Reference" note="expected" text={s.reference} tone="reference" testId="sample-reference" />}
              </div>
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}

/** What the empty checkpoint list promises while the run goes on: a run shorter than the save interval writes
 *  one only on cancel, and "the first one is written at step 100" read wrong beside a 12-step run. */
function nextCheckpointNote(saveEvery: number | null, plannedSteps: number | null, unit: StepUnit): string {
  if (saveEvery && (plannedSteps === null || saveEvery <= plannedSteps)) return `The first one is written at ${unit} ${saveEvery}, or as soon as you cancel.`;
  return 'This run ends before the first save; one is written only if you cancel.';
}

/**
 * `unit`: what the run counts (stepUnitOf). A PPO run saves every `saveEvery` iterations, and its checkpoints are listed
 * by the iteration they hold (the optimiser step their folder is named by is in the row's tooltip); it has no
 * validation loss, so that column is left out.
 */
export function CheckpointsCard({ checkpoints, saveEvery, running, plannedSteps = null, unit = 'step' }: { checkpoints: Checkpoint[]; saveEvery: number | null; running: boolean; plannedSteps?: number | null; unit?: StepUnit }) {
  const newest = [...checkpoints].sort((a, b) => b.step - a.step);
  const iterations = unit === 'iteration';
  return (
    <Card aria-label="Checkpoints" data-testid="run-checkpoints">
      <CardHeader title="Checkpoints" subtitle={saveEvery ? `Written every ${saveEvery === 1 ? unit : plural(saveEvery, unit)} and on cancel; Resume continues from the newest.` : 'Written on cancel; Resume continues from the newest.'} />
      {newest.length === 0 ? (
        <EmptyState icon="layers" title="No checkpoint yet">
          {running ? nextCheckpointNote(saveEvery, plannedSteps, unit) : 'This run left no checkpoint on disk.'}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Checkpoints">
            <thead><tr><th>{iterations ? 'Iteration' : 'Step'}</th>{!iterations && <th className="num">Validation loss</th>}<th className="num">Size</th><th>Written</th></tr></thead>
            <tbody>
              {newest.map((c, i) => (
                <tr key={c.path} title={iterations ? `${c.path} (optimiser step ${c.step})` : c.path}>
                  <td className="mono">{iterations ? c.iteration ?? '—' : c.step}{i === 0 && <span className="faint small"> · newest</span>}</td>
                  {!iterations && <td className="num mono">{c.valLoss === null ? '—' : formatLoss(c.valLoss)}</td>}
                  <td className="num mono nowrap">{humanBytes(c.bytes)}</td>
                  <td className="muted small nowrap" title={formatDate(c.createdAt)}>{new Date(c.createdAt).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
