// Default names of the models runs and merges make: what was done to which model, readable ('s260k-lora-merged'),
// never a run id's hash; -2, -3 … only when the name is taken, and the store still refuses a taken name outright.
import { describe, expect, it } from 'vitest';
import { firstFreeName, pretrainedModelName, runNameTag, tunedModelName } from '../../native/api/model-names.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-model-names-');

describe('default model names', () => {
  it('say the base, what was done and whether a LoRA was merged', () => {
    expect(tunedModelName('s260k', runNameTag('finetune', 'lora'), true)).toBe('s260k-lora-merged');
    expect(tunedModelName('s260k', runNameTag('finetune', 'full'), false)).toBe('s260k-full');
    expect(tunedModelName('s260k', runNameTag('dpo', 'lora'), true)).toBe('s260k-dpo-merged');
    expect(tunedModelName('s260k', runNameTag('ppo', 'full'), false)).toBe('s260k-ppo');
    expect(pretrainedModelName('llama')).toBe('llama-pretrained');
  });

  it('append -2, -3 … only when the name is taken', () => {
    expect(firstFreeName('s260k-lora-merged', () => false)).toBe('s260k-lora-merged');
    const taken = new Set(['s260k-lora-merged', 's260k-lora-merged-2']);
    expect(firstFreeName('s260k-lora-merged', (n) => taken.has(n))).toBe('s260k-lora-merged-3');
  });

  it('the store picks the first free one, and still refuses a taken name given outright', () => {
    const store = open(tempDir());
    const model = (name: string) => store.models.create({ name, architecture: 'llama', path: `models/${name}`, config: {}, parameterCount: 260_000, source: 'import' });
    expect(store.models.freeName('s260k-lora-merged')).toBe('s260k-lora-merged');
    model('s260k-lora-merged');
    expect(store.models.freeName('s260k-lora-merged')).toBe('s260k-lora-merged-2');
    model('s260k-lora-merged-2');
    expect(store.models.freeName('s260k-lora-merged')).toBe('s260k-lora-merged-3');
    expect(() => store.models.requireFreeName('s260k-lora-merged')).toThrow(/already exists/);
  });
});
