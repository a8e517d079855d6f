// Generation benchmark: greedy decoding of stories260K with Lathe's generation loop and with transformers.js
// running Lathe's exported graph (same onnxruntime-node, same thread count, same prompt, exactly N new tokens).
// Prints one JSON line: time to first token and decode tokens/s for each (medians of R runs after a warm-up),
// and Lathe's decode speed as a multiple of transformers.js's.
//   npm run bench:generate        BENCH_TOKENS (200), BENCH_REPEATS (5), BENCH_THREADS (1) override the defaults
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TextGenerator } from '../native/generate/pipeline.ts';
import { exportOnnxFolder } from '../native/deploy/onnx-export.ts';
import { importLlama2cCheckpoint } from '../native/models/import.ts';

const DIR = path.resolve(import.meta.dirname, '../../shared/data/models/stories260K');
const TOKENS = Number(process.env.BENCH_TOKENS ?? 200);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const PROMPT = 'Once upon a time, there was a little';

interface Sample { ttftMs: number; totalMs: number; tokens: number[] }
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const decodeRate = (s: Sample) => (s.tokens.length - 1) / ((s.totalMs - s.ttftMs) / 1000);

function summary(samples: Sample[]) {
  return {
    ttftMs: Number(median(samples.map((s) => s.ttftMs)).toFixed(2)),
    decodeTokensPerSecond: Number(median(samples.map(decodeRate)).toFixed(1)),
    totalMs: Number(median(samples.map((s) => s.totalMs)).toFixed(1)),
  };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DIR, 'stories260K.bin'))) throw new Error(`${DIR} is absent: the benchmark needs the shared data kit (../shared/data)`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-gen-'));
  try {
    const model = await importLlama2cCheckpoint(path.join(tmp, 'data'), path.join(DIR, 'stories260K.bin'), path.join(DIR, 'tok512.bin'), 'stories260K');
    await exportOnnxFolder(model.path, path.join(tmp, 'tjs', 'stories260K'), { dtypes: ['fp32'] });

    // Lathe: the same path as the playground and `lathe generate` (TextGenerator → generate()).
    const lathe = await TextGenerator.load(model.path, { intraOpNumThreads: THREADS });
    const latheRun = async (): Promise<Sample> => {
      const t0 = performance.now();
      let first = 0;
      const r = await lathe.generate([PROMPT], { maxNewTokens: TOKENS, minNewTokens: TOKENS, temperature: 0, onToken: () => void (first ||= performance.now() - t0) });
      return { ttftMs: first, totalMs: performance.now() - t0, tokens: r.rows[0].tokenIds };
    };

    // transformers.js: the exported folder, local files only.
    const { AutoModelForCausalLM, AutoTokenizer, TextStreamer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = path.join(tmp, 'tjs');
    const tokenizer = await AutoTokenizer.from_pretrained('stories260K', { local_files_only: true });
    const tjs = await AutoModelForCausalLM.from_pretrained('stories260K', { local_files_only: true, dtype: 'fp32', device: 'cpu', session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 } });
    const inputs = tokenizer(PROMPT);
    const promptLength = inputs.input_ids.dims[1];
    const tjsRun = async (): Promise<Sample> => {
      let first = 0;
      const t0 = performance.now();
      // The streamer decodes text as it goes, as Lathe's generation loop does; its token callback marks the first token.
      const streamer = new TextStreamer(tokenizer, { skip_prompt: true, callback_function: () => undefined, token_callback_function: () => void (first ||= performance.now() - t0) });
      const out = (await tjs.generate({ ...inputs, max_new_tokens: TOKENS, min_new_tokens: TOKENS, do_sample: false, streamer })) as { tolist(): bigint[][] };
      return { ttftMs: first, totalMs: performance.now() - t0, tokens: out.tolist()[0].map(Number).slice(promptLength) };
    };

    // Without a streamer transformers.js skips text decoding, which Lathe's loop always does: its best case.
    const tjsPlainRun = async (): Promise<number> => {
      const t0 = performance.now();
      await tjs.generate({ ...inputs, max_new_tokens: TOKENS, min_new_tokens: TOKENS, do_sample: false });
      return performance.now() - t0;
    };

    const samples = { lathe: [] as Sample[], tjs: [] as Sample[], tjsPlainMs: [] as number[] };
    await latheRun(); // warm-up: first-run allocations and kernel selection
    await tjsRun();
    await tjsPlainRun();
    for (let i = 0; i < REPEATS; i++) {
      // Interleaved, so drift in machine load hits all alike.
      samples.lathe.push(await latheRun());
      samples.tjs.push(await tjsRun());
      samples.tjsPlainMs.push(await tjsPlainRun());
    }
    const perSecond = (ms: number) => Number((TOKENS / (ms / 1000)).toFixed(1));
    const a = summary(samples.lathe);
    const b = summary(samples.tjs);
    console.log(JSON.stringify({
      bench: 'generate',
      model: 'stories260K',
      prompt: PROMPT,
      newTokens: TOKENS,
      repeats: REPEATS,
      threads: THREADS,
      sameTokens: samples.lathe[0].tokens.join(',') === samples.tjs[0].tokens.join(','),
      lathe: a,
      transformersjs: b,
      decodeRatio: Number((a.decodeTokensPerSecond / b.decodeTokensPerSecond).toFixed(2)),
      /** Whole generate() calls, tokens / wall time; transformers.js here without a streamer (no text decoding). */
      endToEnd: { latheTokensPerSecond: perSecond(a.totalMs), transformersjsNoStreamerTokensPerSecond: perSecond(median(samples.tjsPlainMs)), ratio: Number((median(samples.tjsPlainMs) / a.totalMs).toFixed(2)) },
      ttftRatio: Number((b.ttftMs / a.ttftMs).toFixed(2)),
      node: process.version,
      cpus: os.cpus().length,
    }));
    await lathe.release();
    await tjs.dispose();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
