// inside.attention through the Studio API in-process, as the renderer reaches it: the Inside worker loads the
// model once and answers, refusals carry the field and the reason, and closing the studio ends the worker.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { Studio } from '../../native/studio/studio.ts';
import { SHARED_DATA, tempDir } from './helpers/lathe.ts';
import { closeStudio, HAS_STORIES260K, importStories260kByApi } from './helpers/stories-studio.ts';

if (!HAS_STORIES260K) console.log(`inside API tests skipped: ${SHARED_DATA} is absent (the shared data kit is not mounted)`);

describe.skipIf(!HAS_STORIES260K)('inside.attention through the Studio API', () => {
  let dir: string;
  let studio: Studio;
  let modelId: string;

  beforeAll(async () => {
    dir = tempDir('inside-api');
    studio = new Studio({ dataDir: dir, mode: 'cli' });
    modelId = await importStories260kByApi(studio);
  });

  afterAll(() => closeStudio(studio, dir));

  it('answers with the maps of every layer and head, by model id or name', async () => {
    const maps = await studio.call('inside.attention', { modelId, prompt: 'The teacher taught the student with the book.' });
    expect([maps.layers, maps.heads, maps.kvHeads, maps.modelId]).toEqual([5, 8, 4, modelId]);
    expect(maps.predictions[0].top).toHaveLength(5); // the default top
    const byName = await studio.call('inside.attention', { modelId: 's260k', prompt: 'The teacher taught the student with the book.', top: 2 });
    expect(byName.attentions).toEqual(maps.attentions); // same model, same prompt: same numbers
    expect(byName.predictions[0].top).toHaveLength(2);
  });

  it('refuses what it cannot show, saying which field and why', async () => {
    const refusal = (p: Promise<unknown>) => p.then(() => null, (e: StudioError) => ({ code: e.code, message: e.message, field: (e.details as { field?: string } | undefined)?.field }));
    expect(await refusal(studio.call('inside.attention', { modelId: 'nope', prompt: 'hi' }))).toMatchObject({ code: 'not_found', field: 'modelId' });
    expect(await refusal(studio.call('inside.attention', { modelId, prompt: '   ' }))).toMatchObject({ code: 'invalid_params', field: 'prompt' });
    expect(await refusal(studio.call('inside.attention', { modelId, prompt: 'one two three four five six seven. '.repeat(6) }))).toMatchObject({ code: 'invalid_params', field: 'prompt', message: expect.stringMatching(/^the prompt is \d+ tokens; the attention view reads at most 64/) });
    // a quantised variant holds only ONNX weights, whose fused attention gives no maps: refused, not a worker's crash
    const base = studio.store.models.get(modelId)!;
    const onnxOnly = path.join(dir, 'q4-like');
    fs.mkdirSync(path.join(onnxOnly, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(base.path, f), path.join(onnxOnly, f));
    const { id: _id, createdAt: _createdAt, ...input } = base;
    studio.store.models.create({ ...input, name: 's260k-q4-like', path: onnxOnly, source: `quantize:${modelId}:q4` });
    expect(await refusal(studio.call('inside.attention', { modelId: 's260k-q4-like', prompt: 'Hi.' }))).toEqual({
      code: 'invalid_params',
      field: 'modelId',
      message: 'model s260k-q4-like holds only ONNX weights (a quantised or exported variant), whose fused attention shows no maps; look inside the model it was made from',
    });
    // The worker survives a refusal.
    expect((await studio.call('inside.attention', { modelId, prompt: 'Hi.' })).tokens.length).toBeGreaterThan(1);
  });
});
