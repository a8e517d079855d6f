// The Fine-tune form's first dataset: once the project's newest, a published test set with no training rows, so a
// new user's first Start was refused ('0 training rows'). And its help under each setting, which ended without the
// full stop every other page's help ends with.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../native/models/config.ts';
import { trainingDefaults } from '../../native/train/defaults.ts';
import { defaultTrainingDataset, emptyForm, explanationOf, problems, SETTINGS, type Defaults } from '../../renderer/src/pages/finetune/trainForm.ts';
import { CONFIGS } from '../fixtures/models/random-checkpoint.ts';

const ds = (name: string, train: number, validation: number, test: number) => ({ name, splits: { train, validation, test } });

describe('the dataset a new fine-tune run starts on', () => {
  it('skips a test-only set for the first one with rows to train on', () => {
    expect(defaultTrainingDataset([ds('dialogsum-test', 0, 0, 500), ds('dialogsum-dev', 400, 50, 50)])?.name).toBe('dialogsum-dev');
  });
  it('takes one training row beside a validation split, as the engine does, but not one alone', () => {
    expect(defaultTrainingDataset([ds('one', 1, 0, 0), ds('one-and-val', 1, 1, 0)])?.name).toBe('one-and-val');
  });
  it('falls back to the first when none can train (the form then says why), and to nothing when there is none', () => {
    expect(defaultTrainingDataset([ds('a', 0, 0, 9), ds('b', 0, 3, 0)])?.name).toBe('a');
    expect(defaultTrainingDataset([])).toBeUndefined();
  });
});

describe("the form's sequence length", () => {
  // Only the fields problems() reads; the engine sends the rest (train.defaults).
  const defaults = { context: 512, hyperparameters: [{ name: 'seqLen', value: 256, explanation: '' }] } as unknown as Defaults;
  const form = (seqLen: string) => ({ ...emptyForm(), modelId: 'm', datasetId: 'd', values: { seqLen } });
  it("is marked above the model's context, the limit the engine refuses past (requestedSeqLen)", () => {
    expect(problems(form('100000'), defaults).seqLen).toBe("At most 512, the model's context.");
    expect(problems(form('512'), defaults).seqLen).toBeUndefined();
    expect(problems(form('256'), defaults)).toEqual({});
  });
});

describe("the form's help under each setting", () => {
  // The engine's explanations carry no full stop and speak of null; the form's own (where the engine sends none) do
  // end in one. Either way the help is one sentence that ends in one, after what an empty field does.
  const engine = trainingDefaults(parseModelConfig(CONFIGS.llama3), 'llama3') as unknown as Defaults;
  for (const [source, defaults] of [['the engine', engine], ['the form', undefined]] as const) {
    it(`ends every setting's help, ${source}'s words, in one full stop`, () => {
      for (const s of SETTINGS) {
        const help = explanationOf(defaults, s);
        expect(help, s.key).toMatch(/[^.]\.$/);
        expect(help, s.key).not.toMatch(/\bnull\b/);
      }
    });
  }
  it('says what an empty field does inside the sentence, before its full stop', () => {
    const maxSteps = SETTINGS.find((s) => s.key === 'maxSteps')!;
    const warmup = SETTINGS.find((s) => s.key === 'warmupSteps')!;
    expect(explanationOf(engine, maxSteps)).toBe('Stop after this many optimiser steps regardless of epochs (not set: train for the chosen number of epochs).');
    expect(explanationOf(engine, warmup)).toBe('Steps of linear warm-up (not set: 3% of the run).');
    expect(explanationOf(undefined, maxSteps)).toBe('Stop after this many optimiser steps, whatever the epochs say (not set: train for the chosen number of epochs).');
  });
  it("takes the form's own words where the engine's explanation is empty, not a lone full stop", () => {
    const silent = { hyperparameters: [{ name: 'epochs', value: 1, explanation: '' }] } as unknown as Defaults;
    expect(explanationOf(silent, SETTINGS.find((s) => s.key === 'epochs')!)).toBe('Passes over the training split; more can overfit a small dataset.');
  });
});
