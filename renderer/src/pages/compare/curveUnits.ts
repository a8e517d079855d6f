// Which chart each run's curve goes on in Compare. A run's curve counts what the run counts (stepUnitOf): optimiser
// steps, or PPO's iterations, each of them rollouts, scoring and several optimiser steps. Iteration 10 is not step 10,
// so runs counting different units never share an x axis: each unit gets its own chart, named by its own word.
import { stepUnitOf } from '../../../../native/api/run-kinds.ts';

export type StepUnit = ReturnType<typeof stepUnitOf>;

/** How a unit reads in a sentence ("over optimiser steps") and in a chart's title ("by PPO iteration"). */
export const UNIT_WORDS: Record<StepUnit, { many: string; one: string }> = {
  step: { many: 'optimiser steps', one: 'optimiser step' },
  iteration: { many: 'PPO iterations', one: 'PPO iteration' },
};

/** One chart's runs: what its x axis counts, and the runs' places in the comparison (their colours and names follow them). */
export interface UnitGroup { unit: StepUnit; indices: number[] }

/**
 * The runs, by their kinds, grouped by the unit their curves count, in the order the units first appear (the
 * baseline's first); null while a run's kind is unknown (the runs' summaries still loading), as its unit is then too.
 */
export function groupByStepUnit(kinds: readonly (string | null)[]): UnitGroup[] | null {
  if (kinds.some((k) => k === null)) return null;
  const groups: UnitGroup[] = [];
  kinds.forEach((kind, index) => {
    const unit = stepUnitOf(kind!);
    const group = groups.find((g) => g.unit === unit);
    if (group) group.indices.push(index);
    else groups.push({ unit, indices: [index] });
  });
  return groups;
}
