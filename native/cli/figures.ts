// Figures as the CLI's text prints them for people: a run's measured values to four significant digits, counts
// grouped, scores in tables to four decimals, durations on a clock, and a training step's progress line built from
// them. One place, so a loss reads the same in `lathe train`'s progress, `lathe runs metrics`, `runs show` and `runs
// compare`, and a score the same in `lathe eval`, `docs eval` and `runs compare`. --json prints the raw numbers.
import type { StepFigures } from '../train/loop.ts';
import { figure } from '../api/format.ts';

// a measured value's formatter lives beside the studio's (api/format.ts), so the trainers' log lines word it too
export { figure };

/**
 * A score in a table of scores (an evaluation's metrics, a retrieval evaluation's recall and MRR, a comparison, a
 * reward model's scores): fractions to 4 decimals, so a column lines up, and unbounded metrics (perplexity) to 2.
 */
export function formatMetric(value: number): string {
  return Math.abs(value) < 10 ? value.toFixed(4) : value.toFixed(2);
}

/** A duration on a clock, m:ss or h:mm:ss (0:07, 3:10, 1:02:05), its seconds rounded by `round`. */
export function clock(seconds: number, round: (s: number) => number = Math.floor): string {
  const total = Math.max(0, round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** What a training progress line says, beside the run's kind ('training', 'aligning'). */
export interface TrainingProgress {
  /** The trainer's own words, said when it reports no step (tokenizing, PPO's rollouts, a last measurement). */
  message: string;
  /** A finished optimiser step's figures, worded here. */
  figures?: StepFigures;
  /** Time since this process began the run (a resumed run's attempt counts from its resume). */
  elapsedSeconds: number;
  /** Time left while work remains; null when unknown or done. */
  etaSeconds: number | null;
}

/** A step's figures, labelled: 'step 12/400, loss 2.346, 1,235 tokens/s'; PPO's with its score and KL before the loss. */
function stepWords(f: StepFigures): string[] {
  const ppo = [...(f.score !== undefined ? [`score ${figure(f.score)}`] : []), ...(f.kl !== undefined ? [`KL ${figure(f.kl)}`] : [])];
  return [`${f.unit ?? 'step'} ${figure(f.step)}/${figure(f.totalSteps)}`, ...ppo, `loss ${figure(f.loss)}`, `${figure(f.tokensPerSecond)} tokens/s`];
}

/**
 * 'training: step 12/400, loss 2.346, 1,235 tokens/s, 0:42 elapsed, 3:10 left' (PPO's: 'aligning: iteration 3/20,
 * score 0.4123, KL 0.0123, loss 1.234, 456 tokens/s, …'): every figure labelled, times on a clock. Time left counts up
 * to the next second, so a last second of work never reads '0:00 left'.
 */
export function trainingProgressLine(what: string, p: TrainingProgress): string {
  const f = p.figures;
  const said = f ? stepWords(f) : [p.message];
  const left = p.etaSeconds !== null && Number.isFinite(p.etaSeconds) ? [`${clock(Math.max(p.etaSeconds, 1), Math.ceil)} left`] : [];
  return `${what}: ${[...said, `${clock(p.elapsedSeconds)} elapsed`, ...left].join(', ')}`;
}
