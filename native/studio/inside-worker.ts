// The Inside worker: a child process that keeps the last model it was asked about loaded with attention
// outputs and answers 'inside.attention' one request at a time (native/models/attention-maps.ts does the work).
//
// Why its own process: loading a model builds its whole graph in JavaScript, synchronously, which would stall
// every other API call of the studio (generate-worker.ts explains the same for generation). Why not the
// generation worker: its sessions are built without attention outputs, which cost memory on every decode step;
// this worker's session has them and serves nothing else.
import type { AttentionMaps } from '../api/inside.ts';
import { StudioError } from '../api/errors.ts';
import { attentionMaps } from '../models/attention-maps.ts';
import { CausalLM } from '../models/decoder.ts';
import { TextTokenizer } from '../text/tokenizer.ts';

export type ToInsideWorker = { type: 'attention'; id: string; modelId: string; modelDir: string; prompt: string; top: number };
export type FromInsideWorker = { type: 'attention'; id: string; result: AttentionMaps } | { type: 'error'; id: string; message: string; userError: boolean };

interface Loaded {
  dir: string;
  model: Promise<{ lm: CausalLM; tokenizer: TextTokenizer }>;
}

let loaded: Loaded | null = null;
let queue: Promise<void> = Promise.resolve();

function send(message: FromInsideWorker): void {
  if (process.connected && process.send) process.send(message);
}

/** One model at a time: the page looks at one model, and a second copy of a large one would double the memory. */
function load(dir: string): Loaded['model'] {
  if (loaded?.dir === dir) return loaded.model;
  if (loaded) loaded.model.then(({ lm }) => lm.release()).catch(() => undefined);
  const model = (async () => ({ lm: await CausalLM.load(dir, { outputAttentions: true }), tokenizer: TextTokenizer.fromFolder(dir) }))();
  loaded = { dir, model };
  model.catch(() => {
    if (loaded?.model === model) loaded = null;
  });
  return model;
}

async function handle(m: ToInsideWorker): Promise<void> {
  try {
    const { lm, tokenizer } = await load(m.modelDir);
    send({ type: 'attention', id: m.id, result: await attentionMaps(lm, tokenizer, m.modelId, m.prompt, m.top) });
  } catch (err) {
    send({ type: 'error', id: m.id, message: (err as Error)?.message ?? String(err), userError: err instanceof StudioError });
  }
}

process.on('message', (m: ToInsideWorker) => {
  queue = queue.then(() => handle(m));
});

// The studio is gone: nobody is left to answer.
process.on('disconnect', () => process.exit(0));
