// The playground's API in-process: a streamed generation arrives as generate.token events that add up to the
// final text and is recorded as a run (config, output artifact, TTFT / tokens-per-second metrics); cancelling
// stops it early; the next-token distribution reacts to temperature and top-k; chat and few-shot prompts are
// built or refused with reasons.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, StudioEvent } from '../../native/api/contract.ts';
import { Studio } from '../../native/studio/studio.ts';
import { SHARED_DATA, tempDir } from './helpers/lathe.ts';
import { closeStudio, HAS_STORIES260K, importStories260kByApi } from './helpers/stories-studio.ts';

if (!HAS_STORIES260K) console.log(`generation API tests skipped: ${SHARED_DATA} is absent (the shared data kit is not mounted)`);

describe.skipIf(!HAS_STORIES260K)('generation through the Studio API', () => {
  let dir: string;
  let studio: Studio;
  let modelId: string;
  const events: StudioEvent[] = [];

  beforeAll(async () => {
    dir = tempDir('gen');
    studio = new Studio({ dataDir: dir, mode: 'cli' });
    studio.listen((e) => events.push(e));
    modelId = await importStories260kByApi(studio);
  });

  afterAll(() => closeStudio(studio, dir));

  const finished = (id: string) =>
    new Promise<EventPayload<'generate.done'>>((resolve, reject) => {
      const check = () => {
        const e = events.find((x) => (x.type === 'generate.done' || x.type === 'generate.failed') && x.payload.generationId === id);
        if (!e) return void setTimeout(check, 10);
        if (e.type === 'generate.done') resolve(e.payload);
        else reject(new Error((e.payload as { message: string }).message));
      };
      check();
    });

  it('streams tokens that add up to the text and records a run', async () => {
    const { generationId } = await studio.call('generate.start', { modelId, prompt: 'Once upon a time', settings: { maxNewTokens: 30 } });
    const done = await finished(generationId);
    const tokens = events.filter((e): e is Extract<StudioEvent, { type: 'generate.token' }> => e.type === 'generate.token' && e.payload.generationId === generationId);
    expect(tokens.map((t) => t.payload.text).join('')).toBe(done.text);
    expect(done.text.length).toBeGreaterThan(20);
    const first = tokens[0].payload;
    expect(first.top).toHaveLength(5);
    expect(first.top[0].logprob).toBeGreaterThanOrEqual(first.logprob!); // greedy picks the top alternative
    expect(done.timing.generatedTokens).toBe(30);
    const run = await studio.call('runs.get', { id: done.runId });
    expect(run).toMatchObject({ kind: 'generation', status: 'succeeded', config: { prompt: 'Once upon a time', modelName: 's260k' } });
    const metrics = await studio.call('runs.metrics', { id: done.runId });
    expect(metrics.map((m) => m.name).sort()).toEqual(['decode_tokens_per_second', 'generated_tokens', 'prompt_tokens', 'time_to_first_token_ms']);
    const output = JSON.parse(fs.readFileSync(path.join(dir, 'runs', done.runId, 'output.json'), 'utf8')) as { text: string };
    expect(output.text).toBe(done.text);
    // The run page reads it back: the prompt, the text, how it ended.
    expect(await studio.call('runs.generationOutput', { id: done.runId })).toEqual({ prompt: 'Once upon a time', text: done.text, finishReason: 'length', contextFull: null, generatedTokens: 30 });
    expect(done.contextFull).toBeNull(); // it stopped at the 30 asked for
  });

  it('says when the model\'s context, not max new tokens, ended the answer', async () => {
    const prompt = 'Once upon a time there was a cat. '.repeat(49);
    const promptTokens = (await studio.call('generate.nextToken', { modelId, prompt, settings: {} })).promptTokens;
    expect(promptTokens).toBeGreaterThan(512 - 30); // leaves fewer than the 30 asked for in the 512-token context
    expect(promptTokens).toBeLessThan(512);
    const { generationId } = await studio.call('generate.start', { modelId, prompt, settings: { maxNewTokens: 30 } });
    const done = await finished(generationId);
    expect(done).toMatchObject({ finishReason: 'length', contextFull: 512, timing: { generatedTokens: 512 - promptTokens } });
    expect(await studio.call('runs.generationOutput', { id: done.runId })).toMatchObject({ finishReason: 'length', contextFull: 512, generatedTokens: 512 - promptTokens });
  });

  it('refuses the output of a run that is not a generation, and says null for one that recorded none', async () => {
    const evalRun = studio.store.runs.create({ kind: 'evaluation', name: 'not a generation', config: {} });
    const refused = await studio.call('runs.generationOutput', { id: evalRun.id }).then(() => null, (e: Error) => e);
    expect(refused?.message).toMatch(/\(kind evaluation\) is not a playground generation; only those record an output text/);
    const silent = studio.store.runs.create({ kind: 'generation', name: 'failed early', config: { prompt: 'x' } });
    expect(await studio.call('runs.generationOutput', { id: silent.id })).toBeNull();
  });

  it('cancels a running generation', async () => {
    const { generationId } = await studio.call('generate.start', { modelId, prompt: 'Once upon a time', settings: { maxNewTokens: 500 } });
    while (!events.some((e) => e.type === 'generate.token' && e.payload.generationId === generationId)) await new Promise((r) => setTimeout(r, 2));
    expect(await studio.call('generate.cancel', { generationId })).toEqual({ cancelled: true });
    const done = await finished(generationId);
    expect(done.finishReason).toBe('cancelled');
    expect(done.timing.generatedTokens).toBeLessThan(500);
    expect((await studio.call('runs.get', { id: done.runId })).status).toBe('cancelled');
  });

  it('shows the next-token odds before and after the knobs', async () => {
    const greedy = await studio.call('generate.nextToken', { modelId, prompt: 'Once upon a time', settings: {} });
    expect(greedy.strategy).toBe('greedy');
    expect(greedy.candidates[0].after).toBe(1);
    const before = greedy.candidates.map((c) => c.before);
    expect(before).toEqual([...before].sort((a, b) => b - a));
    const cold = await studio.call('generate.nextToken', { modelId, prompt: 'Once upon a time', settings: { doSample: true, temperature: 0.5, topK: 0 } });
    const hot = await studio.call('generate.nextToken', { modelId, prompt: 'Once upon a time', settings: { doSample: true, temperature: 2, topK: 0 } });
    expect(cold.candidates[0].before).toBeCloseTo(hot.candidates[0].before, 6); // the model itself does not change
    expect(cold.candidates[0].after).toBeGreaterThan(cold.candidates[0].before);
    expect(hot.candidates[0].after).toBeLessThan(hot.candidates[0].before);
    expect(hot.entropyAfter).toBeGreaterThan(cold.entropyAfter);
    const topK = await studio.call('generate.nextToken', { modelId, prompt: 'Once upon a time', settings: { doSample: true, topK: 3 } });
    expect(topK.keptTokens).toBe(3);
    expect(topK.candidates.filter((c) => c.after > 0)).toHaveLength(3);
  });

  it("counts a prompt's tokens as generation encodes them, with the model's context", async () => {
    const prompt = 'Once upon a time there was a cat. '.repeat(3);
    const { promptTokens } = await studio.call('generate.nextToken', { modelId, prompt, settings: {} });
    expect(await studio.call('generate.countTokens', { modelId, prompt })).toEqual({ promptTokens, contextTokens: 512 });
    expect(await studio.call('generate.countTokens', { modelId, prompt: '' })).toEqual({ promptTokens: 0, contextTokens: 512 });
    await expect(studio.call('generate.countTokens', { modelId, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow(/no chat template/);
    await expect(studio.call('generate.countTokens', { modelId: 'nope', prompt: 'x' })).rejects.toThrow(/no model named 'nope'/);
  });

  it('refuses what cannot work, saying why', async () => {
    await expect(studio.call('generate.start', { modelId, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow(/no chat template/);
    await expect(studio.call('generate.start', { modelId: 'nope', prompt: 'x' })).rejects.toThrow(/no model named 'nope' \(models: /);
    await expect(studio.call('generate.start', { modelId, prompt: 'x', settings: { doSample: true, numBeams: 3 } })).rejects.toThrow(/beam search/);
    await expect(studio.call('generate.nextToken', { modelId, prompt: 'a '.repeat(600) })).rejects.toThrow(/reads at most 512/);
  });

  it('builds zero- and few-shot prompts from a dataset', async () => {
    const job = await studio.call('datasets.import', { path: path.join(SHARED_DATA, 'datasets/dialogsum/dev.jsonl'), name: 'dialogsum-dev' });
    await studio.queue.whenFinished(job.id);
    const dataset = (await studio.call('datasets.list', {}))[0];
    const args = { style: 'few-shot' as const, datasetId: dataset.id, inputColumn: 'dialogue', outputColumn: 'summary', inputLabel: 'Dialogue', outputLabel: 'Summary', query: '#Person1#: Hi.' };
    const zero = await studio.call('generate.buildPrompt', { ...args, shots: 0 });
    expect(zero.prompt).toBe('Dialogue:\n#Person1#: Hi.\nSummary:');
    const few = await studio.call('generate.buildPrompt', { ...args, shots: 2, instruction: 'Summarise.' });
    expect(few.prompt.startsWith('Summarise.\n\nDialogue:\n')).toBe(true);
    expect(few.prompt.match(/Summary:/g)).toHaveLength(3);
    await expect(studio.call('generate.buildPrompt', { ...args, outputColumn: 'nope', shots: 1 })).rejects.toThrow(/no column 'nope'/);
  });
});
