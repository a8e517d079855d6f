// The Integrate page's guided path suggests the step after the last one finished: merge → quantise → compare →
// export, each optional, and nothing once the export is done.
import { describe, expect, it } from 'vitest';
import { nextStep, type GuidedStep } from '../../renderer/src/pages/integrate/GuidedSteps.tsx';

const next = (...done: GuidedStep[]) => nextStep(new Set(done));

describe('nextStep', () => {
  it('follows the last finished step, skipping over what was passed by', () => {
    expect(next()).toBe('merge');
    expect(next('merge')).toBe('quantise');
    expect(next('merge', 'quantise')).toBe('compare'); // quantised without the report
    expect(next('merge', 'quantise', 'compare')).toBe('export');
    expect(next('quantise', 'compare')).toBe('export'); // no merge: started from a model
    expect(next('export')).toBeNull();
    expect(next('merge', 'export')).toBeNull();
  });
});
