// How training numbers read: losses as every measured figure (figure()), learning rates as decimals (formatLr),
// throughput and memory rounded (time left is domain/jobs.ts jobTimeLeft's, as every progress says it). And the few
// fields of a run's stored config the views use.
import { columnFigure } from '../../../../native/api/format.ts';
import type { Job, Run } from '../../../../native/api/schemas.ts';
import { withTrueMinus } from '../../domain/format.ts';

/** A loss to four significant digits, as the job line and the CLI say it, its trailing zeros kept: tiles and tables
 *  set losses beside each other (columnFigure). */
export const formatLoss = (v: number): string => withTrueMinus(columnFigure(v));
/**
 * A learning rate, the one way the studio writes one: a plain decimal to three significant digits (0.0005, 0.002,
 * 0.0000364), as the setup forms' fields hold it, so the rate typed there reads the same in the run's header, its tile,
 * its chart's axis and its Configuration table.
 */
export function formatLr(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const rounded = Number(v.toPrecision(3));
  const decimals = Math.min(100, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(rounded)))));
  const text = rounded.toFixed(decimals);
  return withTrueMinus(decimals > 0 ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
}
export const formatRate = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v.toFixed(0));
export const formatMb = (v: number): string => (v >= 1024 ? `${(v / 1024).toFixed(2)} GB` : `${v.toFixed(0)} MB`);

/**
 * What the learning-rate tile reads. While the run trains, the rate of its latest step (warm-up and decay move
 * it) with the schedule's name. Once it has ended, the peak: a cosine or linear decay ends at exactly 0, and a
 * tile reading "0" says nothing about the run; the peak (the configured rate, else the largest recorded) does.
 */
export function learningRateStat(points: readonly { value: number }[] | undefined, peak: number | undefined, schedule: string | undefined, live: boolean): { value: string; note: string | null } {
  const last = points?.at(-1)?.value;
  if (live && last !== undefined && last > 0) return { value: formatLr(last), note: schedule ?? null };
  const top = peak ?? (points?.length ? Math.max(...points.map((p) => p.value)) : undefined);
  if (top === undefined) return { value: '—', note: null };
  return { value: formatLr(top), note: schedule === 'constant' ? schedule : ['peak', schedule].filter(Boolean).join(' · ') };
}

/** The fields of runs.config the run view reads (finetune: the resolved TrainConfig; pretrain: PretrainConfig). */
export interface RunConfigView {
  method?: 'lora' | 'full';
  modelName?: string;
  dataset?: string;
  /** The dataset a fine-tune or alignment run trained on (its id; the dataset may since have been deleted). */
  datasetId?: string;
  maxSteps?: number | null;
  steps?: number;
  saveEvery?: number;
  evalEvery?: number;
  seqLen?: number;
  batchSize?: number;
  gradAccum?: number;
  lr?: number;
  schedule?: string;
  family?: string;
  layers?: number;
  dModel?: number;
  parameters?: number;
  corpus?: string;
}

export const runConfig = (run: Run | undefined): RunConfigView => (run?.config ?? {}) as RunConfigView;

/** The planned number of steps: the job's "step 12/400" message (its counts grouped: "step 1,200/10,000"), else the config's maxSteps or steps. */
export function plannedSteps(job: Job | null, config: RunConfigView): number | null {
  const match = job ? /step (\d+(?:,\d{3})*)\/(\d+(?:,\d{3})*)/.exec(job.message) : null;
  if (match) return Number(match[2].replaceAll(',', ''));
  return config.maxSteps ?? config.steps ?? null;
}

export const RUN_STATUS_TONE: Record<string, 'neutral' | 'accent' | 'success' | 'warning' | 'danger'> = {
  queued: 'neutral', running: 'accent', succeeded: 'success', cancelled: 'warning', interrupted: 'warning', failed: 'danger',
};

export const isActive = (job: Job | null): job is Job => job !== null && (job.state === 'queued' || job.state === 'running');
