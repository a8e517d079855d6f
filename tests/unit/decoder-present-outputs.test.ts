// The decode graph's cache outputs come straight from the Concat that appends the new key/value (no Identity node
// renaming them, which copied the whole cache once more at every step: issue #13), while keeping transformers.js's
// output names, for every architecture builder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHfFolder, readHfFolder, CheckpointWeights } from '../../native/models/checkpoint.ts';
import { buildDecoderGraph } from '../../native/models/decoder.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-present-outputs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.each(['llama3', 'gpt2'] as const)('decode graph of a random %s', (family) => {
  it('names each present.N.key|value as the output of its Concat, with no Identity copy', async () => {
    const dir = path.join(tmp, family);
    const config = CONFIGS[family];
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 3), ...charTokenizer(config.vocab_size as number) });
    const weights = CheckpointWeights.open(dir);
    try {
      const spec = readHfFolder(dir).spec;
      const g = buildDecoderGraph(spec, weights, { withPast: true });
      const layers = spec.numLayers;
      const names = Array.from({ length: layers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
      expect(g.outputs.map((o) => o.name)).toEqual(expect.arrayContaining(names));
      for (const name of names) expect(g.producer(name)?.opType, name).toBe('Concat');
      expect(layers).toBeGreaterThan(0);
    } finally {
      weights.close();
    }
  });
});
