// The OpenAI-compatible server over a quantised variant (lathe quantize's s260k-q4, an ONNX-only folder), with the
// official `openai` client: chat and text completions answer, whole and streamed, with the greedy text `lathe
// generate` gives on the same variant; /v1/embeddings on it is a 400 that names the model to ask instead (its
// prebuilt graph gives no hidden states), and `lathe serve-api --model s260k-q4` starts. The variant used to be a 500
// on every request: the pool loaded every model with hidden states, which an ONNX-only folder cannot give.
// Also: /v1/models lists the adapters of DPO and PPO LoRA runs as it lists fine-tuning's.
// And a collection refuses the variant as its embedding model when it is made.
import fs from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { quantizeModel } from '../../native/deploy/quantize-model.ts';
import { startApiServer, type ApiServer } from '../../native/openai/server.ts';
import { ADAPTER_WEIGHTS } from '../../native/models/peft.ts';
import { recordArtifact } from '../../native/train/run-env.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { tempDir } from './helpers/lathe.ts';
import { HAS_STORIES, SKIP_STORIES_REASON, importStories, recordLoraRun } from './helpers/openai-server.ts';

if (!HAS_STORIES) console.warn(`openai-quantised: skipped: ${SKIP_STORIES_REASON}`);

const VARIANT = 's260k-q4';
let dataDir = '';
let source: Model;
let server: ApiServer;
let client: OpenAI;

beforeAll(async () => {
  if (!HAS_STORIES) return;
  dataDir = tempDir('openai-quantised');
  source = await importStories(dataDir, 's260k');
  await quantizeModel(dataDir, source, 'q4', VARIANT);
  // as `lathe serve-api --model s260k-q4` starts it: the variant loaded before the server listens
  server = await startApiServer({ dataDir, port: 0, threads: 1, preload: VARIANT });
  client = new OpenAI({ baseURL: server.url, apiKey: server.apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const PROMPT = 'Once upon a time';

describe.skipIf(!HAS_STORIES)('the OpenAI-compatible server over a quantised variant', () => {
  it('lists the variant and answers a greedy completion with the text lathe generate gives on it', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toContain(VARIANT);
    const r = await client.completions.create({ model: VARIANT, prompt: PROMPT, temperature: 0, max_tokens: 20, stop: null });
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    const g = await inProcessLathe(dataDir, ['generate', '--model', VARIANT, '--prompt', PROMPT, '--temperature', '0', '--max-new-tokens', '20', '--json']);
    expect(g.code, g.stderr).toBe(0);
    const generated = g.json<{ text: string; tokenIds: number[] }>();
    expect(r.usage!.completion_tokens).toBe(generated.tokenIds.length);
    expect(r.choices[0].text).toBe(generated.text);
  });

  it('streams the completion it answers whole', async () => {
    const whole = await client.completions.create({ model: VARIANT, prompt: PROMPT, temperature: 0, max_tokens: 20, stop: null });
    const stream = await client.completions.create({ model: VARIANT, prompt: PROMPT, temperature: 0, max_tokens: 20, stop: null, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(whole.choices[0].text);
  });

  it('answers chat, whole and streamed, with the same greedy text', async () => {
    const messages = [{ role: 'user' as const, content: 'Tell me about a cat.' }];
    const whole = await client.chat.completions.create({ model: VARIANT, messages, temperature: 0, max_tokens: 24 });
    expect(whole.usage!.completion_tokens).toBeGreaterThan(0);
    expect(whole.choices[0].message.content!.length).toBeGreaterThan(0);
    const stream = await client.chat.completions.create({ model: VARIANT, messages, temperature: 0, max_tokens: 24, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole.choices[0].message.content);
  });

  it('refuses embeddings on the variant with a 400 naming the model to ask instead, and still embeds with its source', async () => {
    const err = await client.embeddings.create({ model: VARIANT, input: 'a cat' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect([e.status, e.type, e.param, e.code]).toEqual([400, 'invalid_request_error', 'model', 'model_not_supported']);
    expect(e.message).toContain(`'${VARIANT}' is a quantised ONNX model: its prebuilt graph gives no hidden states, so it cannot make embeddings; ask /v1/embeddings for 's260k', the model it was quantised from.`);
    const ok = await client.embeddings.create({ model: 's260k', input: 'a cat' });
    expect(ok.data[0].embedding.length).toBeGreaterThan(0);
    // the refusal did not leave the variant broken for generation
    expect((await client.completions.create({ model: VARIANT, prompt: PROMPT, temperature: 0, max_tokens: 4 })).choices[0].text.length).toBeGreaterThan(0);
  });

  it('refuses a LoRA adapter on the variant with a 400 naming the adapter on its source', async () => {
    const runId = await recordLoraRun(server.store, dataDir, source);
    const err = await client.completions.create({ model: `${VARIANT}:${runId}`, prompt: PROMPT, max_tokens: 4 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: 'model', code: 'model_not_supported' });
    expect((err as Error).message).toContain(`ask for 's260k:${runId}'`);
  });

  it('lists the adapters of DPO and PPO LoRA runs beside fine-tuning ones, and answers for each', async () => {
    const finetune = await recordLoraRun(server.store, dataDir, source);
    const aligned: string[] = [];
    for (const kind of ['dpo', 'ppo']) {
      // as policy-outputs.ts leaves a LoRA policy: runs/<id>/adapter, recorded as the run's 'adapter' artifact
      const run = server.store.runs.create({ kind, name: `${kind} lora`, projectId: null, config: { model: source.name, method: 'lora' } });
      const dir = path.join(dataDir, 'runs', run.id, 'adapter');
      fs.cpSync(path.join(dataDir, 'runs', finetune, 'adapter'), dir, { recursive: true });
      recordArtifact(server.store, run.id, 'adapter', path.join(dir, ADAPTER_WEIGHTS));
      aligned.push(run.id);
    }
    const ids = (await client.models.list()).data.map((m) => m.id);
    for (const runId of [finetune, ...aligned]) expect(ids).toContain(`s260k:${runId}`);
    const r = await client.completions.create({ model: `s260k:${aligned[0]}`, prompt: PROMPT, temperature: 0, max_tokens: 4 });
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('refuses the variant as a collection\'s embedding model when the collection is made, naming its source', async () => {
    // it was accepted, and every later `docs add` failed loading the model for the hidden states it cannot give
    const refused = await inProcessLathe(dataDir, ['docs', 'create', 'notes', '--embed-model', VARIANT]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${VARIANT} is a quantised ONNX model: its prebuilt graph gives no hidden states, so it cannot embed; embed with 's260k', the model it was quantised from`);
    // an ONNX-only folder Lathe did not quantise (a Hub mirror) is not called a variant: it says what it lacks
    const mirror = path.join(dataDir, 'onnx-mirror');
    fs.cpSync(server.store.models.find(VARIANT).path, mirror, { recursive: true });
    const foreign = await inProcessLathe(dataDir, ['docs', 'create', 'mirrored', '--embed-model', mirror]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain(`${mirror}: no model.safetensors or model.safetensors.index.json (Lathe reads safetensors weights): a prebuilt ONNX graph gives no hidden states, so it cannot embed`);
    const made = await inProcessLathe(dataDir, ['docs', 'create', 'notes', '--embed-model', 's260k']);
    expect(made.code, made.stderr).toBe(0);
  });
});
