// Learning-rate schedules as transformers defines them: linear warmup from 0, then cosine decay to 0, linear
// decay to 0, or constant. Step numbers are 1-based optimiser steps.
export type ScheduleKind = 'cosine' | 'linear' | 'constant';

export function learningRate(step: number, peak: number, warmup: number, total: number, kind: ScheduleKind): number {
  if (warmup > 0 && step <= warmup) return (peak * step) / warmup;
  if (kind === 'constant') return peak;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  return kind === 'linear' ? peak * (1 - progress) : peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}
