// The model lifecycle in one place: its four stages (the sidebar's numbered pages, routes.ts) and which steps of a
// project's journey (native/api/journey.ts) each stage holds. The sidebar and the journey strip both number
// stages from here, so a user meets one numbering: Select is stage 2 in both, never step 3 of 7 in one of them.
import { JOURNEY_STEPS, type JourneyStepId } from '../../../native/api/journey.ts';
import { PAGES, type PageInfo } from './routes.ts';

export type StagePage = Extract<PageInfo, { group: 'stages' }>;
export type StageId = StagePage['id'];

/** The stages in order, as the sidebar lists them. */
export const STAGES: readonly StagePage[] = PAGES.filter((p): p is StagePage => p.group === 'stages');

/** The stage each journey step belongs to: the data is part of scoping the use case; prompt, tune and evaluate are Adapt & align. */
export const STEP_STAGE: Record<JourneyStepId, StageId> = {
  scope: 'scope', data: 'scope', select: 'select', prompt: 'adapt', finetune: 'adapt', evaluate: 'adapt', integrate: 'integrate',
};

/** A stage's number, 1 to 4, as the sidebar shows it (and its ⌘1–⌘4 shortcut uses). */
export const stageNumber = (id: StageId): number => STAGES.findIndex((s) => s.id === id) + 1;

export interface StageGroup<S> { stage: StagePage; number: number; steps: S[] }

/** Journey steps under their stages, in lifecycle order; a stage with none of the given steps is left out. */
export function groupByStage<S extends { id: JourneyStepId }>(steps: readonly S[]): StageGroup<S>[] {
  return STAGES.map((stage, i) => ({ stage, number: i + 1, steps: steps.filter((s) => STEP_STAGE[s.id] === stage.id) })).filter((g) => g.steps.length > 0);
}

/** The journey's steps in stage order: the order JOURNEY_STEPS must keep for the strip to read left to right. */
export const STEPS_IN_STAGE_ORDER: readonly JourneyStepId[] = STAGES.flatMap((s) => JOURNEY_STEPS.filter((step) => STEP_STAGE[step] === s.id));
