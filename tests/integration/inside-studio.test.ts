// inside.attention through the Studio API in-process, as the renderer reaches it: the Inside worker loads the
// model once and answers, refusals carry the field and the reason, and closing the studio ends the worker.
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
    // The worker survives a refusal.
    expect((await studio.call('inside.attention', { modelId, prompt: 'Hi.' })).tokens.length).toBeGreaterThan(1);
  });
});
