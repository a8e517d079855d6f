// The journey part of the Studio API: a project's way through the lifecycle (scope → data → select → prompt →
// fine-tune / align → evaluate → integrate), each step's state derived from the store, what it did to the
// project's metric, and the one action that moves the project on. Spread into `methods` in contract.ts.
import { z } from 'zod';

export const JOURNEY_STEPS = ['scope', 'data', 'select', 'prompt', 'finetune', 'evaluate', 'integrate'] as const;
export type JourneyStepId = (typeof JOURNEY_STEPS)[number];

/**
 * done: the store shows the step's work; in-progress: a job or run of the step is going; next: the step the
 * guidance points at; todo: required, later; optional: worth doing only when the scorecard asks for it;
 * planned: the studio cannot do it yet.
 */
export const JOURNEY_STATES = ['done', 'in-progress', 'next', 'todo', 'optional', 'planned'] as const;
export type JourneyState = (typeof JOURNEY_STATES)[number];

/** Where an action leads: a renderer address such as '#/datasets' or '#/adapt/evaluate'. */
export const JourneyAction = z.object({ label: z.string(), route: z.string().startsWith('#/') });
export type JourneyAction = z.infer<typeof JourneyAction>;

/** What a step did to the project's metric: its best value before the step's runs and after them. */
export const JourneyEffect = z.object({ metric: z.string(), higherIsBetter: z.boolean(), before: z.number().nullable(), after: z.number() });
export type JourneyEffect = z.infer<typeof JourneyEffect>;

export const JourneyStep = z.object({
  id: z.enum(JOURNEY_STEPS),
  title: z.string(),
  state: z.enum(JOURNEY_STATES),
  /** One line on what was done ("dialogsum-test, 1,500 rows"), or what the step is for while not done. */
  summary: z.string(),
  effect: JourneyEffect.nullable(),
  action: JourneyAction.nullable(),
});
export type JourneyStep = z.infer<typeof JourneyStep>;

export const Journey = z.object({
  projectId: z.string(),
  steps: z.array(JourneyStep),
  /** The guidance: the step to do now (null when nothing the studio can do is left) and why. */
  next: z.object({ step: z.enum(JOURNEY_STEPS).nullable(), title: z.string(), text: z.string(), action: JourneyAction.nullable() }),
});
export type Journey = z.infer<typeof Journey>;

/**
 * How far a project is, as the Projects list counts it: the steps its strip shows as part of the way (done, in progress,
 * next, to do), of which `done` are done; the steps the strip marks optional (fine-tune / align until the scorecard asks
 * for it) or not built yet are counted apart, so the count and the strip say the same.
 */
export function journeyProgress(steps: readonly Pick<JourneyStep, 'state'>[]): { done: number; counted: number; optional: number } {
  const counted = steps.filter((s) => s.state !== 'optional' && s.state !== 'planned');
  return { done: counted.filter((s) => s.state === 'done').length, counted: counted.length, optional: steps.length - counted.length };
}

/** journeyProgress in words: '5/7 steps', or '3/6 steps + 1 optional' while a step is optional. */
export function journeyProgressText(steps: readonly Pick<JourneyStep, 'state'>[]): string {
  const { done, counted, optional } = journeyProgress(steps);
  return `${done}/${counted} steps${optional > 0 ? ` + ${optional} optional` : ''}`;
}

export const journeyMethods = {
  /** A project's lifecycle steps, derived from its scope, datasets, runs and jobs, with the next action. */
  'projects.journey': { params: z.object({ id: z.string().min(1) }), result: Journey },
} as const;
