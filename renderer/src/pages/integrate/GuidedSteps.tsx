// The guided path through the Integrate section: merge → quantise → compare → export, the path's steps
// (integrateSteps.ts) up to serving, which has its own card. Each step is optional; the one after the last finished
// step is the suggested next one, highlighted here and on its form; one passed over (no LoRA run to merge, or
// quantising straight away) reads 'skipped'.
import { INTEGRATE_STEPS, stepNumber, type IntegrateStep } from './integrateSteps.ts';

export type GuidedStep = Exclude<IntegrateStep, 'serve'>;
export const GUIDED_STEPS = INTEGRATE_STEPS.filter((s): s is Extract<(typeof INTEGRATE_STEPS)[number], { id: GuidedStep }> => s.id !== 'serve');

/** The step after the last one finished, or null once the export is done. */
export function nextStep(done: ReadonlySet<GuidedStep>): GuidedStep | null {
  const last = GUIDED_STEPS.reduce((at, s, i) => (done.has(s.id) ? i : at), -1);
  return GUIDED_STEPS[last + 1]?.id ?? null;
}

export function GuidedSteps({ done, next }: { done: ReadonlySet<GuidedStep>; next: GuidedStep | null }) {
  return (
    <ol className="steps guided-steps" aria-label="Guided path">
      {GUIDED_STEPS.map((s, i) => {
        const nextAt = next === null ? GUIDED_STEPS.length : GUIDED_STEPS.findIndex((g) => g.id === next);
        const state = done.has(s.id) ? 'done' : s.id === next ? 'next' : i < nextAt ? 'skipped' : 'todo';
        return (
          <li key={s.id} className="step-pill" data-state={state} aria-current={state === 'next' ? 'step' : undefined}>
            <div className="stat-label">{stepNumber(s.id)} · {state === 'todo' ? 'later' : state}</div>
            <strong>{s.title}</strong> <span className="muted small">{s.short}</span>
          </li>
        );
      })}
    </ol>
  );
}
