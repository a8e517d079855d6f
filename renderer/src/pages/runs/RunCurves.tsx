// A run's recorded metrics: every series with more than one step as a curve (training and validation loss on
// one chart, the rest each on their own, live while the run trains), and one-off values (an evaluation's
// scores, a generation's timings) as figures. The charts are the fine-tune page's.
import { SERIES_COLORS } from '../../ui/charts/scale.ts';
import { Card, CardHeader, EmptyState, Stat } from '../../ui/primitives.tsx';
import { formatMetric, metricLabel } from '../evaluate/metrics.ts';
import { formatLoss, formatLr, formatMb, formatRate } from '../finetune/runFormat.ts';
import { TrainingChart } from '../finetune/TrainingChart.tsx';
import type { RunMetrics } from '../finetune/useRunMetrics.ts';

const LOSSES = ['loss', 'val_loss'];
const CURVE_INFO: Record<string, { title: string; description: string; format(v: number): string; zero?: boolean }> = {
  lr: { title: 'Learning rate', description: 'Warm-up, then the schedule’s decay.', format: formatLr, zero: true },
  grad_norm: { title: 'Gradient norm', description: 'Before clipping; spikes show unstable steps.', format: formatLoss, zero: true },
  tokens_per_second: { title: 'Throughput', description: 'Training tokens per second.', format: formatRate, zero: true },
  rss_mb: { title: 'Memory', description: 'Resident memory of the training process.', format: formatMb, zero: true },
  // PPO, one value per iteration (native/train/ppo.ts)
  'score/mean': { title: 'Score (mean)', description: 'The reward model’s mean score of each iteration’s rollouts.', format: formatLoss },
  'score/std': { title: 'Score (std)', description: 'Spread of the rollouts’ scores.', format: formatLoss, zero: true },
  'score/running_std': { title: 'Score scale', description: 'Running std of every score so far; scores are divided by it before the KL penalty is taken off.', format: formatLoss, zero: true },
  'eval/score_mean': { title: 'Held-out score', description: 'Mean score of the held-out prompts’ rollouts (same prompts and seed every time).', format: formatLoss },
  kl: { title: 'KL from the reference', description: 'Σ log π − log π_ref over each completion, averaged.', format: formatLoss },
  'eval/kl': { title: 'Held-out KL', description: 'KL of the held-out rollouts.', format: formatLoss },
  kl_coef: { title: 'KL coefficient β', description: 'The penalty’s weight each iteration used.', format: formatLoss, zero: true },
  'loss/policy': { title: 'Policy loss', description: 'The clipped PPO objective, mean over minibatches.', format: formatLoss },
  'loss/value': { title: 'Value loss', description: 'The value head’s clipped loss, mean over minibatches.', format: formatLoss, zero: true },
  clipfrac: { title: 'Clip fraction', description: 'Share of tokens whose probability ratio hit the clip range.', format: formatLoss, zero: true },
  entropy: { title: 'Entropy', description: 'Of the policy’s next-token distribution.', format: formatLoss, zero: true },
};

export function RunCurves({ metrics, loaded, planned }: { metrics: RunMetrics; loaded: boolean; planned: number | null }) {
  const names = Object.keys(metrics).filter((n) => metrics[n].length > 0);
  const curves = names.filter((n) => metrics[n].length > 1 && !LOSSES.includes(n));
  const hasLoss = LOSSES.some((n) => (metrics[n]?.length ?? 0) > 0) && names.some((n) => metrics[n].length > 1);
  const figures = names.filter((n) => metrics[n].length === 1 && !(hasLoss && LOSSES.includes(n)));
  return (
    <Card aria-label="Curves">
      <CardHeader title="Curves and figures" subtitle={hasLoss || curves.length > 0 ? 'Recorded metrics of this run, updated live while it trains.' : 'What this run measured.'} />
      {loaded && names.length === 0 && (
        <EmptyState icon="activity" title="No metrics recorded">A run records its metrics as it goes: training steps report loss, evaluations their scores, generations their timings.</EmptyState>
      )}
      {(hasLoss || curves.length > 0) && (
        <div className="card-body run-charts">
          {hasLoss && (
            <TrainingChart
              testId="run-chart-loss"
              title="Loss"
              description="Cross-entropy in nats per token; validation is measured every few steps."
              xMax={planned}
              format={formatLoss}
              series={[
                { name: 'training', color: SERIES_COLORS[0], points: metrics.loss ?? [] },
                { name: 'validation', color: SERIES_COLORS[2], points: metrics.val_loss ?? [], dots: true },
              ]}
            />
          )}
          {curves.map((name, i) => {
            const info = CURVE_INFO[name] ?? { title: metricLabel(name), description: `${name} per step.`, format: (v: number) => formatMetric(name, v) };
            return <TrainingChart key={name} testId={`run-chart-${name}`} title={info.title} description={info.description} xMax={planned} zero={info.zero} format={info.format} series={[{ name, color: SERIES_COLORS[(i + 1) % SERIES_COLORS.length], points: metrics[name] }]} />;
          })}
        </div>
      )}
      {figures.length > 0 && (
        <div className="card-body run-figures" data-testid="run-figures">
          {figures.map((name) => <Stat key={name} label={metricLabel(name)} value={formatMetric(name, metrics[name][0].value)} mono />)}
        </div>
      )}
    </Card>
  );
}
