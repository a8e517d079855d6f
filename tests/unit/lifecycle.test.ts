// One numbering of the model lifecycle: the journey's steps sit under the sidebar's four stages, in order, so the
// strip numbers stages 1–4 as the sidebar does instead of numbering its seven steps 1–7.
import { describe, expect, it } from 'vitest';
import { JOURNEY_STEPS } from '../../native/api/journey.ts';
import { groupByStage, STAGES, stageNumber, STEPS_IN_STAGE_ORDER } from '../../renderer/src/app/lifecycle.ts';

describe('lifecycle stages and journey steps', () => {
  it('are the sidebar stages, numbered 1 to 4', () => {
    expect(STAGES.map((s) => `${stageNumber(s.id)} ${s.title}`)).toEqual(['1 Scope', '2 Select', '3 Adapt & align', '4 Integrate']);
  });

  it('put every journey step under one stage without reordering the journey', () => {
    expect(STEPS_IN_STAGE_ORDER).toEqual(JOURNEY_STEPS);
  });

  it('group a journey by stage', () => {
    const groups = groupByStage(JOURNEY_STEPS.map((id) => ({ id })));
    expect(groups.map((g) => [g.number, g.stage.id, g.steps.map((s) => s.id)])).toEqual([
      [1, 'scope', ['scope', 'data']],
      [2, 'select', ['select']],
      [3, 'adapt', ['prompt', 'finetune', 'evaluate']],
      [4, 'integrate', ['integrate']],
    ]);
  });
});
