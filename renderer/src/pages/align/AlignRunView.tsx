// One alignment run, live or from history: progress with ETA, Cancel and Resume (train.cancel / train.resume, as
// for any training run), and the curves TRL users know — DPO: loss, rewards of the chosen and rejected answers,
// their margin, preference accuracy and log-probabilities; reward models: loss, accuracy and margin; PPO: score,
// KL and its coefficient, losses, clip fraction and entropy, the held-out prompts before and after, and the rollout
// table filling in. When it ends, what the trained model does on all training and validation pairs, and a link to
// the run's own page.
import { alignCutWarnings, type AlignCutConfig, type AlignCuts } from '../../../../native/api/align.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { plural } from '../../../../native/api/format.ts';
import { cliCommand, METRIC_LABELS } from '../../../../native/api/labels.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatDate, withTrueMinus } from '../../domain/format.ts';
import { SERIES_COLORS as c } from '../../ui/charts/scale.ts';
import { Callout, Card, CardHeader, Stat } from '../../ui/primitives.tsx';
import { CheckpointsCard } from '../finetune/RunDetails.tsx';
import { formatLoss, formatLr, formatRate } from '../finetune/runFormat.ts';
import { RunProgressLine, RunStatusActions, RunStopCallouts } from '../finetune/RunProgress.tsx';
import { LearningRateStat } from '../finetune/LearningRateStat.tsx';
import { TrainingChart, type CurveSeries } from '../finetune/TrainingChart.tsx';
import { lastValue, type RunMetrics } from '../finetune/useRunMetrics.ts';
import { useTrainingRun } from '../finetune/useTrainingRun.ts';
import { runHash } from '../runs/address.ts';
import { configValueLabel } from '../runs/configLabels.ts';
import { axisLabelOf, scaleKindOf, yAxisOf } from '../runs/trainingMetrics.ts';
import { BeforeAfterCard } from './BeforeAfterCard.tsx';
import { formatScore, PpoCharts, RolloutTableCard } from './PpoRunParts.tsx';

interface DpoResult { trainMetrics?: Record<string, number> | null; validationMetrics?: Record<string, number> | null; outputModel?: string | null; adapterPath?: string | null; skippedRows?: { where: string; reason: string }[]; trainPairs?: number }
interface RewardResult { validation?: { loss: number; accuracy: number } | null; modelDir?: string | null; labels?: string[]; objective?: string }
/** An option as its picker names it (as the run's Configuration does); one the studio has no label for as stored. */
const optionWords = (key: string, value: string): string => configValueLabel(key, value) ?? value;

interface AlignConfig extends AlignCutConfig { klCoef?: number; adaptiveKl?: boolean; steps?: number; beta?: number; loss?: string; method?: 'lora' | 'full'; objective?: string; modelName?: string; lr?: number; schedule?: string; saveEvery?: number; evalEvery?: number }

const formatShare = (v: number): string => v.toFixed(2);
const formatReward = (v: number): string => withTrueMinus(Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(1));
const fmt = (v: number | null, f: (v: number) => string): string => (v === null ? '—' : f(v));

/** A training series and, where measured, its validation twin (val_ before the name) as dots. */
const withValidation = (metrics: RunMetrics, name: string, label: string, color: string, valColor: string): CurveSeries[] => [
  { name: label, color, points: metrics[name] ?? [] },
  ...((metrics[`val_${name}`]?.length ?? 0) > 0 ? [{ name: `${label} (validation)`, color: valColor, points: metrics[`val_${name}`], dots: true }] : []),
];

function DpoCharts({ metrics, planned, beta }: { metrics: RunMetrics; planned: number | null; beta: number | undefined }) {
  const b = beta === undefined ? 'β' : `β = ${beta}`;
  return (
    <>
      <TrainingChart testId="chart-loss" title="Loss" description="The DPO loss on each step’s pairs; validation pairs measured every few steps." xMax={planned} yLabel={axisLabelOf('loss')} scaleKind={scaleKindOf('loss')} format={formatLoss}
        series={[{ name: 'training', color: c[0], points: metrics.loss ?? [] }, { name: 'validation', color: c[2], points: metrics.val_loss ?? [], dots: true }]} />
      <TrainingChart testId="chart-rewards" title="Rewards: chosen and rejected" description={`The implicit reward ${b} · log(π / π_ref) of each answer; they start at 0, where the policy is the reference.`} xMax={planned} yLabel={axisLabelOf('rewards/chosen')} format={formatReward}
        series={[{ name: 'chosen', color: c[1], points: metrics['rewards/chosen'] ?? [] }, { name: 'rejected', color: c[3], points: metrics['rewards/rejected'] ?? [] }]} />
      <TrainingChart testId="chart-margins" title="Reward margin" description="Chosen minus rejected reward: how much more the policy now prefers the chosen answer." xMax={planned} yLabel={axisLabelOf('rewards/margins')} format={formatReward}
        series={withValidation(metrics, 'rewards/margins', 'margin', c[4], c[2])} />
      <TrainingChart testId="chart-accuracy" title="Preference accuracy" description="Share of pairs whose chosen answer gets the higher reward (0.5 is a coin toss)." xMax={planned} {...yAxisOf('rewards/accuracies')} format={formatShare}
        series={withValidation(metrics, 'rewards/accuracies', 'accuracy', c[0], c[2])} />
      <TrainingChart testId="chart-logps" title="Log-probabilities" description="Summed over each answer’s tokens; both falling fast means the policy is drifting from fluent text." xMax={planned} yLabel={axisLabelOf('logps/chosen')} format={formatLoss}
        series={[{ name: 'chosen', color: c[1], points: metrics['logps/chosen'] ?? [] }, { name: 'rejected', color: c[3], points: metrics['logps/rejected'] ?? [] }]} />
    </>
  );
}

function RewardCharts({ metrics, planned }: { metrics: RunMetrics; planned: number | null }) {
  return (
    <>
      <TrainingChart testId="chart-loss" title="Loss" description="−log σ(r_chosen − r_rejected) for pairs, cross-entropy for labels." xMax={planned} yLabel={axisLabelOf('loss')} scaleKind={scaleKindOf('loss')} format={formatLoss}
        series={[{ name: 'training', color: c[0], points: metrics.loss ?? [] }, { name: 'validation', color: c[2], points: metrics.val_loss ?? [], dots: true }]} />
      <TrainingChart testId="chart-accuracy" title="Accuracy" description="Pairs ranked right, or texts labelled right." xMax={planned} {...yAxisOf('accuracy')} format={formatShare} series={withValidation(metrics, 'accuracy', 'accuracy', c[0], c[2])} />
      {(metrics.margin?.length ?? 0) > 0 && <TrainingChart testId="chart-margins" title="Score margin" description="Chosen score minus rejected score." xMax={planned} yLabel={axisLabelOf('margin')} format={formatReward} series={withValidation(metrics, 'margin', 'margin', c[4], c[2])} />}
    </>
  );
}

export function AlignRunView({ runId, initialJob, onChanged }: { runId: string; initialJob: Job | null; onChanged(): void }) {
  const state = useTrainingRun(runId, initialJob, { onChanged, failedTitle: 'Alignment run failed' });
  const { run, checkpoints, job, live, metrics, lastStep, planned, status, unit } = state;
  const config = (run.data?.config as AlignConfig | undefined) ?? {};
  const kind = run.data?.kind ?? initialJob?.kind ?? 'dpo';
  const dpo = kind === 'dpo';
  const ppo = kind === 'ppo';
  const siblings = useQuery('runs.list', ppo && run.data?.projectId ? { projectId: run.data.projectId, kind: 'ppo' } : null);
  // the run to compare this one with: another PPO run of the project, one with a different KL setting first
  const others = (siblings.data ?? []).filter((r) => r.id !== runId);
  const differs = (r: { config: unknown }) => { const o = r.config as AlignConfig; return o.klCoef !== config.klCoef || o.adaptiveKl !== config.adaptiveKl; };
  const compareWith = others.find(differs) ?? others[0] ?? null;
  const result = (job?.state === 'succeeded' ? job.result : null) as (DpoResult & RewardResult & AlignCuts) | null;
  const accuracyName = dpo ? 'rewards/accuracies' : 'accuracy';
  const marginName = dpo ? 'rewards/margins' : 'margin';
  const finished = !live && status === 'succeeded';
  const subtitle = [ppo ? `PPO · ${config.method === 'full' ? 'full' : 'LoRA'} · β_KL ${config.klCoef ?? '—'} ${config.adaptiveKl === false ? 'fixed' : 'adaptive'}` : dpo ? `DPO · ${config.method === 'full' ? 'full' : 'LoRA'} · ${optionWords('loss', config.loss ?? 'sigmoid')} · β ${config.beta ?? '—'}` : `Reward model · ${optionWords('objective', config.objective ?? 'auto')}`, config.modelName, config.lr !== undefined ? `lr ${formatLr(config.lr)}` : undefined, run.data ? `started ${formatDate(run.data.createdAt)}` : undefined].filter(Boolean).join(' · ');

  return (
    <div className="stack ft-run" data-testid="run-view">
      <Card aria-label="Run progress">
        <CardHeader
          title={run.data?.name ?? 'Alignment run'}
          subtitle={subtitle}
          actions={<RunStatusActions state={state}>{!finished && <a className="btn btn-sm" href={runHash(runId)} data-testid="align-run-link">Run page</a>}</RunStatusActions>}
        />
        <div className="card-body stack gap-3">
          <RunProgressLine state={state} startMessage />
 {ppo ? (
          <div className="ft-stats">
            <Stat label="Score" value={fmt(lastValue(metrics['score/mean']), formatScore)} />
            <Stat label="Held-out score" value={fmt(lastValue(metrics['eval/score_mean']), formatScore)} />
            <Stat label="KL" value={fmt(lastValue(metrics.kl), formatScore)} />
            <Stat label="KL coefficient β" value={fmt(lastValue(metrics.kl_coef), formatScore)} />
            <Stat label="Entropy" value={fmt(lastValue(metrics.entropy), formatLoss)} />
          </div>
          ) : (
          <div className="ft-stats">
            <Stat label="Loss" value={fmt(lastValue(metrics.loss), formatLoss)} />
            <Stat label={dpo ? 'Preference accuracy' : 'Accuracy'} value={fmt(lastValue(metrics[accuracyName]), formatShare)} />
            <Stat label={dpo ? 'Reward margin' : 'Validation accuracy'} value={dpo ? fmt(lastValue(metrics[marginName]), formatReward) : fmt(lastValue(metrics.val_accuracy), formatShare)} />
            {dpo ? <Stat label="β" value={String(config.beta ?? '—')} /> : <LearningRateStat points={metrics.lr} peak={config.lr} schedule={config.schedule} live={live !== null} />}
            <Stat label={METRIC_LABELS.tokens_per_second} value={fmt(lastValue(metrics.tokens_per_second), formatRate)} />
          </div>
          )}
          <RunStopCallouts state={state} />
          {result?.skippedRows?.length ? <Callout tone="warning" title={`${plural(result.skippedRows.length, 'row')} left out`}>{result.skippedRows.slice(0, 3).map((s) => `${s.where}: ${s.reason}`).join('; ')}{result.skippedRows.length > 3 ? '; the rest are in the run’s log.' : ''}</Callout> : null}
          {alignCutWarnings(kind, result, config).map((w) => <Callout key={w.title} tone="warning" title={w.title}>{w.detail}</Callout>)}
          {result?.outputModel && <Callout title={`Saved as the model “${result.outputModel}”`}>It is listed on the Select page and can be chosen in the playground and in Evaluate.</Callout>}
          {result?.modelDir && <Callout title="Reward model saved in the run folder">In the Hugging Face sequence-classification layout; score text with it using <span className="mono cli">{cliCommand(`reward score --run ${runId} --text …`)}</span>.</Callout>}
          {finished && <p className="small"><a href={runHash(runId)}>Open the run page</a> <span className="muted">for its full settings, logs, files and a comparison with other runs.</span></p>}
        </div>
      </Card>

      <Card aria-label="Training curves">
        <CardHeader title="Curves" subtitle={live ? `Live: each ${unit} adds a point as the engine reports it.` : 'Recorded metrics of this run.'} />
        <div className="card-body al-charts charts-aligned">
          {ppo
            ? <PpoCharts metrics={metrics} planned={planned} adaptive={config.adaptiveKl !== false} compareWith={compareWith} runId={runId} />
            : dpo ? <DpoCharts metrics={metrics} planned={planned} beta={config.beta} /> : <RewardCharts metrics={metrics} planned={planned} />}
        </div>
      </Card>
      {ppo && <BeforeAfterCard runId={runId} live={live !== null} lastStep={lastStep} evalEvery={config.evalEvery ?? null} />}
      {ppo && <RolloutTableCard runId={runId} live={live !== null} lastStep={lastStep} />}
      {dpo && result?.trainMetrics && result.validationMetrics && (
        <Card aria-label="Trained policy">
          <CardHeader title="The trained policy on every pair" subtitle="Measured once training ended: the pairs it learned from, and the held-out ones it never saw." />
          <div className="card-body ft-stats ft-stats-4">
            <Stat label="Accuracy, training pairs" value={formatShare(result.trainMetrics['rewards/accuracies'])} />
            <Stat label="Accuracy, validation pairs" value={formatShare(result.validationMetrics['rewards/accuracies'])} />
            <Stat label="Margin, training pairs" value={formatReward(result.trainMetrics['rewards/margins'])} />
            <Stat label="Margin, validation pairs" value={formatReward(result.validationMetrics['rewards/margins'])} />
          </div>
        </Card>
      )}
      {!dpo && result?.validation && (
        <Card aria-label="Trained reward model">
          <CardHeader title="The trained reward model on the validation split" subtitle={result.labels && result.objective === 'classify' ? `Labels: ${result.labels.join(', ')}` : 'Pairs ranked right.'} />
          <div className="card-body ft-stats ft-stats-4">
            <Stat label="Validation accuracy" value={formatShare(result.validation.accuracy)} />
            <Stat label="Validation loss" value={formatLoss(result.validation.loss)} />
          </div>
        </Card>
      )}
      <CheckpointsCard checkpoints={checkpoints.data ?? []} saveEvery={config.saveEvery ?? null} plannedSteps={planned} running={live !== null} unit={unit} />
    </div>
  );
}
