// safetensors and HF folder I/O: round trips (F32/F16/BF16, sharded) and every kind of bad input producing
// an error that names the file and the tensor.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../native/onnx/float16.ts';
import { CheckpointError, SafetensorsFile, writeSafetensors, type Tensor } from '../../native/models/safetensors.ts';
import { CheckpointWeights, readHfFolder, writeHfFolder } from '../../native/models/checkpoint.ts';
import { parseModelConfig, ropeInverseFrequencies } from '../../native/models/config.ts';
import { checkCheckpoint, parameterCounts } from '../../native/models/params.ts';
import { convertLlama2c, permuteForRotateHalf } from '../../native/models/llama2c.ts';
import { checkModelFolder } from '../../native/models/import.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-st-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tensors = new Map<string, Tensor>([
  ['a', { shape: [2, 3], data: Float32Array.from([0, 1, -2.5, 3.25, 1e-3, 65504]) }],
  ['b.bias', { shape: [4], data: Float32Array.from([0.1, -0.2, 0.3, 7]) }],
  ['scalar', { shape: [], data: Float32Array.from([42]) }],
]);

/** A safetensors file from a raw header object and data bytes. */
function rawFile(name: string, header: unknown, data: Uint8Array, lieLength?: number): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(lieLength ?? json.length));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Buffer.concat([len, json, data]));
  return file;
}

describe('safetensors round trip', () => {
  it('F32 is exact, F16 and BF16 within their precision', async () => {
    for (const [dtype, tol] of [['F32', 0], ['F16', 1e-3], ['BF16', 8e-3]] as const) {
      const file = path.join(tmp, `rt-${dtype}.safetensors`);
      await writeSafetensors(file, tensors, { dtype });
      const f = SafetensorsFile.open(file);
      expect([...f.tensors.keys()]).toEqual(['a', 'b.bias', 'scalar']);
      for (const [name, t] of tensors) {
        const got = f.read(name);
        expect(got.shape).toEqual(t.shape);
        got.data.forEach((x, i) => expect(Math.abs(x - t.data[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(t.data[i]))));
      }
      f.close();
      expect(fs.readdirSync(tmp).filter((n) => n.includes('.tmp-'))).toEqual([]);
    }
  });

  it('F16 encoding matches IEEE half bit patterns', () => {
    expect(Array.from(floatToHalf(Float32Array.from([1, -2, 65504, 0.5, 5.960464477539063e-8, Infinity])))).toEqual([0x3c00, 0xc000, 0x7bff, 0x3800, 0x0001, 0x7c00]);
  });

  it('F16 decoding inverts the encoding for every half that is not NaN', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((h) => !Number.isNaN(halfToFloat(h)));
    expect(bits.length).toBe(65536 - 2 * 1023);
    expect(floatToHalf(Float32Array.from(bits, halfToFloat))).toEqual(bits);
    expect([halfToFloat(0x3c00), halfToFloat(0xc000), halfToFloat(0x0001), halfToFloat(0xfc00)]).toEqual([1, -2, 2 ** -24, -Infinity]);
  });

  it('sharded folders are written with an index and read back tensor by tensor', async () => {
    const config = CONFIGS.llama3;
    const t = randomTensors(config, 3);
    const dir = path.join(tmp, 'sharded');
    await writeHfFolder(dir, { config, tensors: t, maxShardBytes: 20_000 });
    expect(fs.existsSync(path.join(dir, 'model.safetensors.index.json'))).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => /^model-\d+-of-\d+\.safetensors$/.test(n)).length).toBeGreaterThan(1);
    const w = CheckpointWeights.open(dir);
    expect(w.names().sort()).toEqual([...t.keys()].sort());
    const name = 'model.layers.1.mlp.down_proj.weight';
    expect(Array.from(w.read(name).data)).toEqual(Array.from(t.get(name)!.data));
    checkCheckpoint(readHfFolder(dir).spec, w);
    w.close();
    await expect(writeHfFolder(dir, { config, tensors: t })).rejects.toThrow(/already exists/);
  });
});

describe('bad input is reported with file and tensor', () => {
  const good = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const eight = new Uint8Array(8);
  it('truncated data', () => {
    const f = rawFile('trunc.safetensors', good, new Uint8Array(4));
    expect(() => SafetensorsFile.open(f)).toThrow(new RegExp(`${f}: tensor 'a' ends at byte 8 .* truncated`));
  });
  it('header length beyond the file', () => {
    const f = rawFile('hdr.safetensors', good, eight, 10_000);
    expect(() => SafetensorsFile.open(f)).toThrow(/header claims 10000 bytes/);
  });
  it('a header length past 2^53 is quoted exactly, not rounded', () => {
    const f = path.join(tmp, 'hdr-max.safetensors');
    fs.writeFileSync(f, Buffer.concat([Buffer.alloc(8, 0xff), Buffer.from('{}')]));
    expect(() => SafetensorsFile.open(f)).toThrow(`${f}: header claims 18446744073709551615 bytes but the file has 10`);
  });
  it('a tensor entry that is not an object, or a dtype named like an Object method', () => {
    expect(() => SafetensorsFile.open(rawFile('null-entry.safetensors', { a: null }, eight))).toThrow(/tensor 'a' is null, not an entry \{"dtype", "shape", "data_offsets"\}/);
    expect(() => SafetensorsFile.open(rawFile('proto-dtype.safetensors', { a: { dtype: 'toString', shape: [2], data_offsets: [0, 8] } }, eight))).toThrow(/tensor 'a' has unknown dtype "toString"/);
  });
  it('offsets that disagree with dtype and shape', () => {
    const f = rawFile('lie.safetensors', { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight);
    expect(() => SafetensorsFile.open(f)).toThrow(/tensor 'a': data_offsets span 8 bytes but F32\[3\] needs 12/);
  });
  it('offsets that do not tile the data section: a gap, an overlap, bytes after the last tensor', () => {
    const two = (a: [number, number], b: [number, number]) => ({ a: { dtype: 'F32', shape: [1], data_offsets: a }, b: { dtype: 'F32', shape: [1], data_offsets: b } });
    const advice = "the header's data_offsets do not describe this file, which is damaged or not safetensors (download it again)";
    const gap = rawFile('gap.safetensors', two([4, 8], [8, 12]), new Uint8Array(12));
    expect(() => SafetensorsFile.open(gap)).toThrow(`${gap}: bytes 0 to 4 of the data section belong to no tensor (the next is 'a', data_offsets [4, 8]); ${advice}`);
    const overlap = rawFile('overlap.safetensors', two([0, 4], [2, 6]), new Uint8Array(6));
    expect(() => SafetensorsFile.open(overlap)).toThrow(`${overlap}: tensor 'b' (data_offsets [2, 6]) overlaps tensor 'a' ([0, 4]); ${advice}`);
    const same = rawFile('same.safetensors', two([0, 4], [0, 4]), new Uint8Array(4));
    expect(() => SafetensorsFile.open(same)).toThrow(/tensor '[ab]' \(data_offsets \[0, 4\]\) overlaps tensor '[ab]'/);
    const trailing = rawFile('trailing.safetensors', two([0, 4], [4, 8]), new Uint8Array(11));
    expect(() => SafetensorsFile.open(trailing)).toThrow(`${trailing}: 3 bytes that no tensor owns follow the last tensor ('b'); ${advice}`);
    // in any order in the header, and with an empty tensor, ranges that tile the section are fine
    const f = SafetensorsFile.open(rawFile('tiled.safetensors', { ...two([4, 8], [0, 4]), empty: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }, new Uint8Array(8)));
    expect([...f.tensors.keys()]).toEqual(['a', 'b', 'empty']);
    f.close();
  });
  it('unknown dtype, and a known dtype Lathe cannot read as weights', () => {
    expect(() => SafetensorsFile.open(rawFile('dt.safetensors', { a: { dtype: 'F8_E9', shape: [2], data_offsets: [0, 2] } }, eight))).toThrow(/tensor 'a' has unknown dtype "F8_E9"/);
    const f = SafetensorsFile.open(rawFile('i64.safetensors', { a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, eight));
    expect(() => f.read('a')).toThrow(/tensor 'a' has dtype I64/);
    f.close();
  });
  it('not JSON / too short', () => {
    expect(() => SafetensorsFile.open(rawFile('nojson.safetensors', '{not json', eight))).toThrow(/not valid JSON|not a JSON object/);
    fs.writeFileSync(path.join(tmp, 'short.safetensors'), 'abc');
    expect(() => SafetensorsFile.open(path.join(tmp, 'short.safetensors'))).toThrow(CheckpointError);
  });
  it('a file that is not there', () => {
    const missing = path.join(tmp, 'missing.safetensors');
    expect(() => SafetensorsFile.open(missing)).toThrow(`${missing}: no such file; check the path`);
  });
  it('a shard the index names but the folder lacks is blamed on the index, with what to do', async () => {
    const dir = path.join(tmp, 'shard-missing');
    await writeHfFolder(dir, { config: CONFIGS.llama3, tensors: randomTensors(CONFIGS.llama3, 3), maxShardBytes: 20_000 });
    const shard = fs.readdirSync(dir).filter((n) => n.endsWith('.safetensors')).sort().at(-1)!;
    fs.rmSync(path.join(dir, shard));
    const index = path.join(dir, 'model.safetensors.index.json');
    expect(() => CheckpointWeights.open(dir)).toThrow(new RegExp(`^${index}: maps '[\\w.]+' to ${shard}, which is not in the folder; download the missing shard`));
  });
  it('a tokenizer.json that is JSON but no tokenizer is refused at import, naming the file', async () => {
    const dir = path.join(tmp, 'bad-tokenizer');
    const { tokenizer, tokenizerConfig } = charTokenizer(CONFIGS.llama3.vocab_size as number);
    await writeHfFolder(dir, { config: CONFIGS.llama3, tensors: randomTensors(CONFIGS.llama3, 3), tokenizer, tokenizerConfig });
    expect(checkModelFolder(dir).kind).toBe('decoder');
    const file = path.join(dir, 'tokenizer.json');
    for (const [content, why] of [['[1, 2, 3]', 'not a JSON object'], ['{"model": {"type": "Unigram"}}', 'cannot build the tokenizer']]) {
      fs.writeFileSync(file, content);
      expect(() => checkModelFolder(dir)).toThrow(`${file}: ${why}`);
      expect(() => checkModelFolder(dir)).toThrow(/replace it with the tokenizer files from the model's source$/);
    }
  });
  it('config/weights mismatch names the tensor', async () => {
    const config = { ...CONFIGS.gpt2, n_embd: 48 };
    const dir = path.join(tmp, 'mismatch');
    await writeHfFolder(dir, { config: CONFIGS.gpt2, tensors: randomTensors(CONFIGS.gpt2) });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const w = CheckpointWeights.open(dir);
    expect(() => checkCheckpoint(readHfFolder(dir).spec, w)).toThrow(/tensor 'wte.weight' has shape \[57,32\] but config.json implies \[57,48\]/);
    w.close();
  });
  it('unsupported architecture and invalid fields', () => {
    expect(() => parseModelConfig({ architectures: ['BertModel'] }, 'x/config.json')).toThrow(/x\/config.json: architecture 'BertModel' is not supported/);
    expect(() => parseModelConfig({ ...CONFIGS.llama3, hidden_size: 'big' }, 'c.json')).toThrow(/c.json: field 'hidden_size'/);
  });
  it('a field of the wrong type or missing is quoted as the file holds it, with what to do', () => {
    const { vocab_size: _dropped, ...noVocab } = CONFIGS.llama3;
    const advice = ". Correct the field (the model's published config.json has the right values) and try again";
    expect(() => parseModelConfig({ ...CONFIGS.llama3, num_hidden_layers: 5.5 }, 'c.json')).toThrow(`c.json: field 'num_hidden_layers' is 5.5: Invalid input: expected int, received number${advice}`);
    expect(() => parseModelConfig({ ...CONFIGS.llama3, hidden_size: '64' }, 'c.json')).toThrow(`c.json: field 'hidden_size' is "64": Invalid input: expected number, received string${advice}`);
    expect(() => parseModelConfig(noVocab, 'c.json')).toThrow(/^c\.json: field 'vocab_size' is missing: /);
    expect(() => parseModelConfig({ ...CONFIGS.gpt2, n_layer: -1 }, 'g.json')).toThrow(/^g\.json: field 'n_layer' is -1: .*try again$/);
    expect(() => parseModelConfig({ ...CONFIGS.llama3, rope_scaling: { rope_type: 'yarn', factor: 2 } })).toThrow(/rope_scaling type 'yarn'/);
  });
  it('a llama2.c file whose size disagrees with its header', () => {
    const header = Int32Array.from([8, 16, 1, 2, 2, 10, 4]);
    expect(() => convertLlama2c(new Uint8Array(header.buffer), 'x.bin')).toThrow(/x.bin: header .* implies \d+ bytes but the file has 28; the file is truncated: copy or download it again$/);
    // dim 8, hidden 16, 1 layer, 2 heads, vocab 10, seq 4, shared classifier: 760 floats after the 28-byte header
    const expected = 28 + 760 * 4;
    expect(() => convertLlama2c(new Uint8Array(header.buffer), 'x.bin')).toThrow(`implies ${expected} bytes`);
    const long = new Uint8Array(expected + 12);
    long.set(new Uint8Array(header.buffer));
    expect(() => convertLlama2c(long, 'x.bin')).toThrow(new RegExp(`implies ${expected} bytes but the file has ${expected + 12}; the file holds more than the header describes: it is not a llama2.c float32 \\(version 0\\) checkpoint`));
  });
});

describe('model description', () => {
  it('counts parameters by component', () => {
    const p = parameterCounts(parseModelConfig(CONFIGS.gpt2));
    // GPT-2: 12C² + 13C per block (with 4C MLP), + wte/wpe + ln_f.
    const C = 32;
    expect(p.embeddings).toBe(57 * C + 32 * C);
    expect(p.attention + p.mlp + p.norms).toBe(2 * (12 * C * C + 13 * C) + 2 * C);
    expect(p.head).toBe(0);
  });
  it('llama3 RoPE scaling keeps high frequencies, divides low ones and blends between', () => {
    // inv_freq = [1, 0.1, 0.01, 0.001], wavelengths 2π/inv = [6.3, 63, 628, 6283]; bands cut at 64/4 and 64/1.
    const scaling = { type: 'llama3' as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 64 };
    const plain = ropeInverseFrequencies({ theta: 10000, scaling: null }, 8);
    const scaled = ropeInverseFrequencies({ theta: 10000, scaling }, 8);
    expect(scaled[0]).toBeCloseTo(plain[0], 6);
    const smooth = (64 / ((2 * Math.PI) / 0.1) - 1) / (4 - 1);
    expect(scaled[1]).toBeCloseTo((1 - smooth) * (0.1 / 8) + smooth * 0.1, 6);
    expect(scaled[2]).toBeCloseTo(plain[2] / 8, 8);
    expect(scaled[3]).toBeCloseTo(plain[3] / 8, 9);
  });
  it('permuteForRotateHalf maps interleaved pairs to halves', () => {
    // one head, hs = 4, one column: rows (x0, y0, x1, y1) → (x0, x1, y0, y1)
    expect(Array.from(permuteForRotateHalf(Float32Array.from([0, 1, 2, 3]), 1, 4, 1))).toEqual([0, 2, 1, 3]);
  });
});
