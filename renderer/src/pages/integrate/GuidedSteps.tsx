// The guided path through the Integrate section: merge → quantise → compare → export. Each step is optional; the
// one after the last finished step is the suggested next one, highlighted here and on its form; one passed over
// (no LoRA run to merge, or quantising straight away) reads 'skipped'.
export const GUIDED_STEPS = [
  { id: 'merge', title: 'Merge', text: 'a finished LoRA run into its base' },
  // non-breaking hyphens and space: a narrow pill broke the line at "4-", leaving "bit variants" on the next
  { id: 'quantise', title: 'Quantise', text: 'choose the 8\u2011\u00a0and 4\u2011bit variants' },
  { id: 'compare', title: 'Compare', text: 'size, speed and quality beside fp32' },
  { id: 'export', title: 'Export', text: 'GGUF, ONNX or a Hugging Face folder' },
] as const;
export type GuidedStep = (typeof GUIDED_STEPS)[number]['id'];

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
            <div className="stat-label">{i + 1} · {state === 'todo' ? 'later' : state}</div>
            <strong>{s.title}</strong> <span className="muted small">{s.text}</span>
          </li>
        );
      })}
    </ol>
  );
}
