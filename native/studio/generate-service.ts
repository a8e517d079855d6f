// The studio's side of generation: starts the generation worker (generate-worker.ts) on first use, forwards
// requests, turns its messages into Studio API events (generate.token / done / failed), and records each
// finished generation as a run: config (model, prompt, settings) when it starts; at the end the output in
// runs/<id>/output.json (an artifact), TTFT / tokens per second / token count as metrics, and the status.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudioEvent } from '../api/contract.ts';
import { StudioError } from '../api/errors.ts';
import type { GenerateSettings, NextTokenResult } from '../api/models.ts';
import type { Model } from '../api/schemas.ts';
import { writeFileDurably } from '../data/files.ts';
import { Listeners } from '../jobs/listeners.ts';
import type { Store } from '../store/db.ts';
import { currentOwner } from '../store/process-owner.ts';
import type { FromGenerationWorker, ToGenerationWorker } from './generate-protocol.ts';
import { LazyWorker, PendingReplies } from './lazy-worker.ts';

const WORKER_ENTRY = fileURLToPath(new URL('./generate-worker.ts', import.meta.url));

interface Running {
  runId: string;
  model: Model;
  prompt: string;
  started: number;
}

export interface StartRequest {
  model: Model;
  prompt: string;
  messages?: { role: string; content: string }[];
  settings: GenerateSettings;
  top: number;
  projectId: string | null;
  label?: string;
}

export class GenerationService {
  private readonly listeners = new Listeners<StudioEvent>();
  private readonly running = new Map<string, Running>();
  private readonly pending = new PendingReplies<NextTokenResult>();
  private readonly worker = new LazyWorker<ToGenerationWorker, FromGenerationWorker>({
    entry: WORKER_ENTRY, name: 'the generation worker', refusal: 'no new generations are accepted',
    onMessage: (m) => this.onMessage(m),
    onExit: (why) => {
      for (const id of [...this.running.keys()]) this.finishFailed(id, why);
      this.pending.rejectAll(new StudioError('internal', why));
    },
  });

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
  ) {}

  listen(listener: (event: StudioEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  private emit(event: StudioEvent): void {
    this.listeners.emit(event);
  }

  private send(message: ToGenerationWorker): void {
    this.worker.send(message);
  }

  start(req: StartRequest): string {
    const id = randomUUID();
    const run = this.store.runs.create({
      kind: 'generation',
      name: `${req.label ? `${req.label} · ` : ''}${req.model.name} · ${oneLine(req.messages?.at(-1)?.content ?? req.prompt).slice(0, 60)}`,
      projectId: req.projectId,
      config: {
        modelId: req.model.id, modelName: req.model.name, prompt: req.prompt, messages: req.messages, settings: req.settings,
        label: req.label ?? null,
      },
      owner: currentOwner(),
    });
    // no job drives a generation: owned by this process, so that when it dies the next store open ends the run
    this.store.runs.setStatus(run.id, 'running', currentOwner());
    this.running.set(id, { runId: run.id, model: req.model, prompt: req.prompt, started: Date.now() });
    try {
      this.send({ type: 'generate', id, modelDir: req.model.path, prompt: req.prompt, settings: req.settings, top: req.top });
    } catch (err) {
      this.running.delete(id);
      this.store.runs.fail(run.id, err);
      throw err;
    }
    return id;
  }

  cancel(id: string): boolean {
    if (!this.running.has(id)) return false;
    this.send({ type: 'cancel', id });
    return true;
  }

  nextToken(model: Model, prompt: string, settings: GenerateSettings, top: number): Promise<NextTokenResult> {
    return this.pending.ask((id) => this.send({ type: 'nextToken', id, modelDir: model.path, prompt, settings, top }));
  }

  /** Unload a model (it is being deleted). */
  evict(model: Model): void {
    if (this.worker.connected) this.send({ type: 'evict', modelDir: model.path });
  }

  private onMessage(m: FromGenerationWorker): void {
    switch (m.type) {
      case 'started':
        break;
      case 'token':
        if (this.running.has(m.id)) {
          const { id: generationId, index, text, tokenId, token, logprob, top } = m;
          this.emit({ type: 'generate.token', payload: { generationId, index, text, tokenId, token, logprob, top } });
        }
        break;
      case 'done': {
        const r = this.running.get(m.id);
        if (!r) break;
        this.running.delete(m.id);
        this.recordOutput(r, m);
        const { text, finishReason, contextFull, timing, settings } = m;
        this.emit({ type: 'generate.done', payload: { generationId: m.id, runId: r.runId, text, finishReason, contextFull, timing, settings } });
        break;
      }
      case 'nextToken':
        this.pending.resolve(m.id, m.result);
        break;
      case 'error':
        if (!this.pending.reject(m.id, new StudioError(m.userError ? 'invalid_params' : 'internal', m.message))) this.finishFailed(m.id, m.message);
        break;
    }
  }

  private recordOutput(r: Running, m: Extract<FromGenerationWorker, { type: 'done' }>): void {
    const dir = path.join(this.dataDir, 'runs', r.runId);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'output.json');
    const body = JSON.stringify({ text: m.text, tokenIds: m.tokenIds, finishReason: m.finishReason, contextFull: m.contextFull, timing: m.timing, settings: m.settings }, null, 2);
    writeFileDurably(file, body);
    const hash = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    this.store.runs.addArtifact({ runId: r.runId, kind: 'generation-output', path: file, bytes: Buffer.byteLength(body), hash });
    const metrics: [string, number][] = [
      ['time_to_first_token_ms', m.timing.timeToFirstTokenMs], ['decode_tokens_per_second', m.timing.decodeTokensPerSecond],
      ['generated_tokens', m.timing.generatedTokens], ['prompt_tokens', m.timing.promptTokens],
    ];
    for (const [name, value] of metrics) this.store.runs.addMetric({ runId: r.runId, step: 0, name, value });
    this.store.runs.setStatus(r.runId, m.finishReason === 'cancelled' ? 'cancelled' : 'succeeded');
  }

  private finishFailed(id: string, message: string): void {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    this.store.runs.fail(r.runId, message);
    this.emit({ type: 'generate.failed', payload: { generationId: id, message } });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

const services = new WeakMap<Store, GenerationService>();

/** The generation service of the studio that owns `store` (one per studio; the worker starts on first use). */
export function generationService(store: Store, dataDir: string): GenerationService {
  let s = services.get(store);
  if (!s) services.set(store, (s = new GenerationService(store, dataDir)));
  return s;
}
