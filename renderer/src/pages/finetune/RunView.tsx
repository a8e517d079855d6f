// One training run, live or from history: progress with ETA, Cancel and Resume, the curves (loss and
// validation loss, learning rate, throughput, memory) updated by run.metric events, then checkpoints and, for
// fine-tuning, before/after samples. Pretraining adds nats per character and the unigram baseline.
import type { Job } from '../../../../native/api/schemas.ts';
import { finetuneCutWarning } from '../../../../native/api/train.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatDate } from '../../domain/format.ts';
import { Callout, Card, CardHeader, CodeBlock, Stat } from '../../ui/primitives.tsx';
import { SERIES_COLORS } from '../../ui/charts/scale.ts';
import { LearningRateStat } from './LearningRateStat.tsx';
import { CheckpointsCard, SamplesCard } from './RunDetails.tsx';
import { formatLoss, formatLr, formatMb, formatRate, runConfig } from './runFormat.ts';
import { RunProgressLine, RunStatusActions, RunStopCallouts } from './RunProgress.tsx';
import { TrainingChart } from './TrainingChart.tsx';
import { lastValue, minValue } from './useRunMetrics.ts';
import { useTrainingRun } from './useTrainingRun.ts';
import { axisLabelOf, scaleKindOf, yAxisOf } from '../runs/trainingMetrics.ts';
import { plural } from '../../../../native/api/format.ts';
import { METRIC_LABELS, TOKENS_PER_SECOND } from '../../../../native/api/labels.ts';

interface PretrainResult { valLoss?: number; valLossPerChar?: number; unigramLoss?: number; unigramLossPerChar?: number; sample?: string; outputModel?: string | null }
interface FinetuneResult { outputModel?: string | null; adapterPath?: string | null; truncatedExamples?: number; trainExamples?: number; modelContext?: number }

export function RunView({ runId, initialJob, onChanged }: { runId: string; initialJob: Job | null; onChanged(): void }) {
  const samples = useQuery('train.samples', { runId });
  const state = useTrainingRun(runId, initialJob, { onChanged, failedTitle: 'Training failed', onEnded: samples.reload });
  const { run, checkpoints, job, live, metrics, planned, status } = state;
  const config = runConfig(run.data);
  const pretrain = run.data?.kind === 'pretrain';
  const active = live !== null;
  const result = (job && job.state === 'succeeded' ? job.result : null) as (PretrainResult & FinetuneResult) | null;
  const cut = pretrain ? null : finetuneCutWarning(result, config.seqLen);
  const unigram = lastValue(metrics.unigram_loss) ?? result?.unigramLoss ?? null;
  const lossUnit = pretrain ? 'nats/token' : 'nats/token on the completion';
  const c = SERIES_COLORS;

  return (
    <div className="stack ft-run" data-testid="run-view">
      <Card aria-label="Run progress">
        <CardHeader
          title={run.data?.name ?? 'Training run'}
          subtitle={run.data ? describe(run.data.createdAt, config, pretrain) : runId}
          actions={<RunStatusActions state={state} />}
        />
        <div className="card-body stack gap-3">
          <RunProgressLine state={state} />
          <div className="ft-stats">
            <Stat label="Training loss" value={fmt(lastValue(metrics.loss), formatLoss)} />
            <Stat label="Best val loss" value={fmt(minValue(metrics.val_loss), formatLoss)} />
            {pretrain
              ? <Stat label="Per character" value={result?.valLossPerChar !== undefined ? `${formatLoss(result.valLossPerChar)} nats` : '—'} />
              : <LearningRateStat points={metrics.lr} peak={config.lr} schedule={config.schedule} live={active} />}
            <Stat label={METRIC_LABELS.tokens_per_second} value={fmt(lastValue(metrics.tokens_per_second), formatRate)} />
            <Stat label="Memory" value={fmt(lastValue(metrics.rss_mb), formatMb)} />
          </div>
          <RunStopCallouts state={state} />
          {cut && <Callout tone="warning" title={cut.title}>{cut.detail}</Callout>}
          {result?.outputModel && <Callout title={`Saved as the model “${result.outputModel}”`}>It is listed on the Select page and can be chosen in the playground and in Evaluate.</Callout>}
        </div>
      </Card>

      <Card aria-label="Training curves">
        <CardHeader title="Curves" subtitle={active ? 'Live: each step adds a point as the engine reports it.' : 'Recorded metrics of this run.'} />
        <div className="card-body ft-charts charts-aligned">
          <TrainingChart
            testId="chart-loss"
            title="Loss"
            description={`Cross-entropy in ${lossUnit}; validation measured every ${config.evalEvery === 1 ? 'step' : typeof config.evalEvery === 'number' ? plural(config.evalEvery, 'step') : '— steps'}.`}
            xMax={planned}
            yLabel={axisLabelOf('loss')}
            scaleKind={scaleKindOf('loss')}
            format={formatLoss}
            reference={pretrain && unigram !== null ? { value: unigram, label: 'unigram baseline' } : null}
            series={[
              { name: 'training', color: c[0], points: metrics.loss ?? [] },
              { name: 'validation', color: c[2], points: metrics.val_loss ?? [], dots: true },
            ]}
          />
          <TrainingChart testId="chart-lr" title="Learning rate" description="Warm-up, then the schedule’s decay." xMax={planned} {...yAxisOf('lr')} format={formatLr} series={[{ name: 'learning rate', color: c[1], points: metrics.lr ?? [] }]} />
          <TrainingChart testId="chart-throughput" title="Throughput" description="Training tokens per second." xMax={planned} {...yAxisOf('tokens_per_second')} format={formatRate} series={[{ name: TOKENS_PER_SECOND, color: c[3], points: metrics.tokens_per_second ?? [] }]} />
          <TrainingChart testId="chart-memory" title="Memory" description="Resident memory of the training process." xMax={planned} {...yAxisOf('rss_mb')} format={formatMb} series={[{ name: 'memory', color: c[5], points: metrics.rss_mb ?? [] }]} />
        </div>
      </Card>

      {pretrain && result && (
        <Card aria-label="Pretraining result">
          <CardHeader title="Result" subtitle="Validation loss over the whole held-out end of the corpus, against a model that only knows token frequencies." />
          <div className="card-body stack">
            <div className="ft-stats ft-stats-4">
              <Stat label="Validation, nats/token" value={fmt(result.valLoss ?? null, formatLoss)} />
              <Stat label="Validation, nats/char" value={fmt(result.valLossPerChar ?? null, formatLoss)} />
              <Stat label="Unigram, nats/token" value={fmt(result.unigramLoss ?? null, formatLoss)} />
              <Stat label="Unigram, nats/char" value={fmt(result.unigramLossPerChar ?? null, formatLoss)} />
            </div>
            {result.sample && <div className="ft-sample"><span className="stat-label">Sample · the held-out text’s first 40 characters, continued at temperature 0.8</span><CodeBlock scroll label="Sample">{result.sample.replace(/\n{3,}/g, '\n\n')}</CodeBlock></div>}
          </div>
        </Card>
      )}
      <div className={pretrain ? undefined : 'ft-details'}>
        {!pretrain && <SamplesCard samples={samples.data ?? []} finished={!active && status !== 'running'} resumeRefused={state.refusal !== null} />}
        <CheckpointsCard checkpoints={checkpoints.data ?? []} saveEvery={config.saveEvery ?? null} plannedSteps={planned} running={active} />
      </div>
    </div>
  );
}

const fmt = (v: number | null, f: (v: number) => string): string => (v === null ? '—' : f(v));

function describe(createdAt: string, config: ReturnType<typeof runConfig>, pretrain: boolean): string {
  const parts = pretrain
    ? [`${config.family === 'llama' ? 'Llama' : 'GPT-2'} · ${config.layers ?? '?'} layers · d ${config.dModel ?? '?'}`, config.corpus?.split(/[\\/]/).pop()]
    : [config.method === 'full' ? 'Full fine-tuning' : 'LoRA', config.modelName, config.lr !== undefined ? `lr ${formatLr(config.lr)}` : undefined];
  return [...parts, `started ${formatDate(createdAt)}`].filter(Boolean).join(' · ');
}
