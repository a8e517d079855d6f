// CausalLM.forward writes each step's present key/values into preallocated buffers that a chain of steps
// ping-pongs between (native/models/kv-buffers.ts). On a small random Llama 3: a chain of steps gives the logits that
// steps from copied (never reused) caches give; buffers really are reused; branching twice from one cache gives both
// branches their own memory; and a cache whose buffers a later step overwrote is refused, not read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CausalLM, type KvCache } from '../../native/models/decoder.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { ort } from '../../native/onnx/index.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-kv-buffers-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A cache with its own copy of every tensor: nothing the model does later can touch it. */
const copy = (cache: KvCache): KvCache =>
  cache.map(({ key, value }) => ({
    key: new ort.Tensor('float32', Float32Array.from(key.data as Float32Array), key.dims),
    value: new ort.Tensor('float32', Float32Array.from(value.data as Float32Array), value.dims),
  }));

/** The memory a cache tensor's data lives in. */
const memory = (t: ort.Tensor): ArrayBufferLike => (t.data as Float32Array).buffer;

const ones = (rows: number, n: number) => Array.from({ length: rows }, () => Array<number>(n).fill(1));

describe('KV buffers of the decoder', () => {
  let lm: CausalLM;
  beforeAll(async () => {
    const dir = path.join(tmp, 'llama3');
    const config = CONFIGS.llama3;
    await writeHfFolder(dir, { config, tensors: randomTensors(config, 5), ...charTokenizer(config.vocab_size as number) });
    lm = await CausalLM.load(dir, { intraOpNumThreads: 1 });
  });
  afterAll(() => lm?.release());

  const prompt = [[3, 9, 4, 12, 7], [5, 5, 8, 1, 2]];
  const next = (step: number) => [[10 + step], [20 + step]];

  it('a chain of steps reusing buffers gives the logits of steps from private copies', async () => {
    let chained = await lm.forward(prompt, ones(2, 5), lm.emptyCache(2));
    let copied = { logits: chained.logits, present: copy(chained.present) };
    const buffers = new Set([memory(chained.present[0].key)]);
    for (let step = 0; step < 6; step++) {
      chained = await lm.forward(next(step), ones(2, 6 + step), chained.present);
      const fresh = await lm.forward(next(step), ones(2, 6 + step), copied.present);
      copied = { logits: fresh.logits, present: copy(fresh.present) };
      expect(Array.from(chained.logits)).toEqual(Array.from(fresh.logits));
      expect(Array.from(chained.present[1].value.data as Float32Array)).toEqual(Array.from(fresh.present[1].value.data as Float32Array));
      expect(chained.present[0].key.dims).toEqual([2, CONFIGS.llama3.num_key_value_heads, 6 + step, 8]);
      buffers.add(memory(chained.present[0].key));
    }
    // Seven caches in two (ping-pong) buffers: the steps wrote into memory they already had.
    expect(buffers.size).toBe(2);
  });

  it('two branches from one cache each keep their own tokens', async () => {
    const root = await lm.forward(prompt, ones(2, 5), lm.emptyCache(2));
    const step1 = await lm.forward(next(0), ones(2, 6), root.present);
    const reference = copy(step1.present);
    const a = await lm.forward(next(1), ones(2, 7), step1.present); // reuses root's buffers
    const b = await lm.forward(next(2), ones(2, 7), step1.present); // must not share a's
    expect(memory(b.present[0].key)).not.toBe(memory(a.present[0].key));
    const a2 = await lm.forward(next(3), ones(2, 8), a.present);
    const b2 = await lm.forward(next(3), ones(2, 8), b.present);
    const aRef = await lm.forward(next(3), ones(2, 8), copy((await lm.forward(next(1), ones(2, 7), copy(reference))).present));
    const bRef = await lm.forward(next(3), ones(2, 8), copy((await lm.forward(next(2), ones(2, 7), copy(reference))).present));
    expect(Array.from(a2.logits)).toEqual(Array.from(aRef.logits));
    expect(Array.from(b2.logits)).toEqual(Array.from(bRef.logits));
    // Both branches' newest caches are intact after the other branch stepped (each wants the buffers of step1).
    expect(Array.from(a2.present[1].key.data as Float32Array)).toEqual(Array.from(aRef.present[1].key.data as Float32Array));
    expect(Array.from(b2.present[1].key.data as Float32Array)).toEqual(Array.from(bRef.present[1].key.data as Float32Array));
  });

  it('refuses a cache whose buffers a later step has reused', async () => {
    const root = await lm.forward(prompt, ones(2, 5), lm.emptyCache(2));
    const step1 = await lm.forward(next(0), ones(2, 6), root.present);
    await lm.forward(next(1), ones(2, 7), step1.present); // writes into root's buffers
    await expect(lm.forward(next(0), ones(2, 6), root.present)).rejects.toThrow(/already advanced .* buffers reused/);
    // The check can pass: the newest cache still works.
    await expect(lm.forward(next(1), ones(2, 7), step1.present)).resolves.toBeDefined();
  });
});
