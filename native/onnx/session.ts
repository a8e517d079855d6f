// Inference sessions over onnxruntime-node: execution-provider choice with a trial session, thread settings,
// and a report of the provider that actually ran.
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graph.ts';
import { toModelBytes } from './serialize.ts';

export type Backend = 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
const KNOWN: readonly Backend[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface SessionOptions {
  /** Execution provider; 'auto' takes the first that works of cuda, dml, coreml, webgpu, cpu. Default 'cpu'. */
  backend?: Backend | 'auto';
  /** If the requested provider fails to start, fall back to cpu instead of throwing (default false). */
  fallbackToCpu?: boolean;
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode?: 'sequential' | 'parallel';
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Write ORT's per-node timing trace (JSON) to files named from this prefix; end it with `session.ort.endProfiling()`. */
  profileFilePrefix?: string;
}

/** A session plus the execution provider it really runs on. */
export interface Session {
  readonly ort: ort.InferenceSession;
  readonly backend: Backend;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, ort.Tensor>, fetches?: readonly string[] | Record<string, ort.Tensor | null>): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** Providers this build of onnxruntime-node ships (before any trial). */
export function listedBackends(): Backend[] {
  return ort.listSupportedBackends().map((b) => b.name as Backend).filter((n) => KNOWN.includes(n));
}

// A one-node model (Identity on a float tensor) used to check that a provider really starts.
let trialBytes: Uint8Array | undefined;
function trialModel(): Uint8Array {
  if (!trialBytes) {
    const g = new GraphBuilder({ name: 'trial' });
    g.output(g.op('Identity', [g.input('x', 'float32', [1])]), 'y');
    trialBytes = toModelBytes(g);
  }
  return trialBytes;
}

const workingCache = new Map<Backend, boolean>();

/**
 * How backends are probed: which are listed, and a trial that throws when one does not start. Tests pass
 * stubs to check the choice without starting real providers (whose failures print from native code).
 */
export interface BackendProbe {
  listed(): readonly Backend[];
  trial(backend: Backend): Promise<void>;
}

async function trialSession(backend: Backend): Promise<void> {
  const s = await ort.InferenceSession.create(trialModel(), { executionProviders: [backend], logSeverityLevel: 4 });
  await s.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
  await s.release();
}

const realProbe: BackendProbe = { listed: listedBackends, trial: trialSession };

/** Whether `backend` is listed and a trial session on it starts and runs. Cached per process for the real probe. */
export async function backendWorks(backend: Backend, probe: BackendProbe = realProbe): Promise<boolean> {
  const cache = probe === realProbe ? workingCache : undefined;
  const cached = cache?.get(backend);
  if (cached !== undefined) return cached;
  let ok = false;
  if (backend === 'cpu' || probe.listed().includes(backend)) {
    try {
      await probe.trial(backend);
      ok = true;
    } catch {
      ok = false;
    }
  }
  cache?.set(backend, ok);
  return ok;
}

/** The providers that pass a trial session, cpu always last. */
export async function availableBackends(probe: BackendProbe = realProbe): Promise<Backend[]> {
  const out: Backend[] = [];
  for (const b of ['cuda', 'dml', 'coreml', 'webgpu'] as const) if (await backendWorks(b, probe)) out.push(b);
  return [...out, 'cpu'];
}

async function chooseBackend(opts: SessionOptions): Promise<Backend> {
  const want = opts.backend ?? 'cpu';
  if (want === 'auto') return (await availableBackends())[0];
  if (want === 'cpu' || (await backendWorks(want))) return want;
  if (opts.fallbackToCpu) return 'cpu';
  throw new Error(`execution provider '${want}' is not available here (listed: ${listedBackends().join(', ')}); choose 'cpu' or set fallbackToCpu`);
}

/** Create a session from a builder, ModelProto bytes or a model file path (a file is needed for external data). */
export async function createSession(model: GraphBuilder | Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
  const backend = await chooseBackend(opts);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [backend],
    intraOpNumThreads: opts.intraOpNumThreads,
    interOpNumThreads: opts.interOpNumThreads,
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
    executionMode: opts.executionMode,
    enableCpuMemArena: opts.enableCpuMemArena,
    enableMemPattern: opts.enableMemPattern,
    logSeverityLevel: opts.logSeverityLevel ?? 3,
    enableProfiling: opts.profileFilePrefix !== undefined ? true : undefined,
    profileFilePrefix: opts.profileFilePrefix,
  };
  // onnxruntime-node rejects keys that are present but undefined.
  for (const k of Object.keys(options) as (keyof typeof options)[]) if (options[k] === undefined) delete options[k];
  const source = typeof model === 'string' || model instanceof Uint8Array ? model : toModelBytes(model);
  let s: ort.InferenceSession;
  try {
    s = typeof source === 'string' ? await ort.InferenceSession.create(source, options) : await ort.InferenceSession.create(source, options);
  } catch (e) {
    const where = typeof source === 'string' ? source : `a ${source.byteLength}-byte model`;
    throw new Error(`onnxruntime could not load ${where} on ${backend}: ${(e as Error).message}`);
  }
  return {
    ort: s,
    backend,
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    run: (feeds, fetches) => (fetches ? s.run(feeds, fetches as never) : s.run(feeds)) as Promise<Record<string, ort.Tensor>>,
    release: () => s.release(),
  };
}

export { ort };
