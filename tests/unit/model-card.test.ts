// The model card as the Select page shows it: config.json's own key names, small values written so they do not
// read as 0, and LoRA counted by the one rule the Fine-tune page also uses (native/api/train.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatValue } from '../../native/api/format.ts';
import { loraTrainableParameters } from '../../native/api/train.ts';
import { hyperparameters, modelCard } from '../../native/models/card.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig } from '../../native/models/config.ts';
import { LORA_TARGETS, defaultLoraConfig, loraParameterCount, loraParametersPerRank } from '../../native/models/lora.ts';
import { trainingDefaults } from '../../native/train/defaults.ts';
import { CONFIGS, randomTensors } from '../fixtures/models/random-checkpoint.ts';

describe('model card hyperparameters', () => {
  for (const name of ['llama3', 'qwen2', 'gpt2'] as const) {
    it(`${name}: every number row is keyed by a key its config.json has`, () => {
      const config = CONFIGS[name];
      const numeric = hyperparameters(parseModelConfig(config)).filter((h) => typeof h.value === 'number');
      expect(numeric.length).toBeGreaterThan(5);
      for (const h of numeric) {
        // n_inner is optional in GPT-2's config.json (null means 4 × n_embd); everything else is written there.
        if (h.key === 'n_inner') continue;
        expect(Object.keys(config), h.key).toContain(h.key);
      }
    });
  }

  it('shows the norm epsilon as 1e-5, not 0', () => {
    const eps = hyperparameters(parseModelConfig(CONFIGS.llama3)).find((h) => h.key === 'rms_norm_eps');
    expect(eps?.value).toBe(1e-5);
    expect(formatValue(eps!.value)).toBe('1e-5');
  });
});

describe('LoRA parameter counts', () => {
  for (const name of ['llama3', 'qwen2', 'gpt2'] as const) {
    it(`${name}: the API's rule equals the engine's count for any rank and targets, and the card equals the Fine-tune defaults`, () => {
      const spec = parseModelConfig(CONFIGS[name]);
      const perRank = loraParametersPerRank(spec);
      const all = LORA_TARGETS[spec.family];
      for (const r of [1, 8, 16]) {
        for (const targets of [[...all], all.slice(0, 1), defaultLoraConfig(spec).targetModules]) {
          const engine = loraParameterCount(spec, { r, alpha: 16, dropout: 0, targetModules: targets });
          expect(loraTrainableParameters(perRank, r, targets), `r=${r} ${targets.join(',')}`).toBe(engine);
        }
      }
      const defaults = trainingDefaults(spec, name);
      const lora = defaultLoraConfig(spec);
      expect(defaults.parameters.trainableLora).toBe(loraParameterCount(spec, lora));
      expect(defaults.loraPerRank).toEqual(perRank);
      expect(defaults.memoryBytes.lora).toBe(4 * defaults.parameters.total + 16 * defaults.parameters.trainableLora);
    });
  }
});

it('the card (models.get) and the Fine-tune defaults (train.defaults) give the same LoRA count', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'model-card-'));
  const dir = path.join(parent, 'tiny');
  try {
    const config = CONFIGS.llama3;
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 1) });
    const spec = parseModelConfig(config);
    const card = modelCard({ id: 'm1', name: 'tiny', kind: 'decoder', architecture: spec.architecture, path: dir, config, parameterCount: 0, source: 'import:x', createdAt: new Date().toISOString() });
    const defaults = trainingDefaults(spec, 'tiny');
    expect(card.memory!.loraParameters).toBe(defaults.parameters.trainableLora);
    expect(card.memory!.loraTargets).toEqual(defaults.loraTargets.default);
    expect(card.memory!.loraPerRank).toEqual(defaults.loraPerRank);
    expect(card.memory!.lora.fp32).toBe(defaults.memoryBytes.lora);
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
});
