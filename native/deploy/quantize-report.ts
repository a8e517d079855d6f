// The quantisation report: each variant beside fp32 — file size, peak memory, prefill and decode tokens/s,
// perplexity on held-out text and greedy agreement (the share of identical tokens over a fixed prompt set). The
// variants are exported into a scratch folder (onnx-export.ts) and each is measured in its own child process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { columnFigure } from '../api/format.ts';
import { forkWorker } from '../jobs/fork-worker.ts';
import { sweepAbandonedTemporaries } from '../models/atomic.ts';
import { ONNX_VARIANTS, type OnnxDtype } from '../models/onnx-variants.ts';
import { exportOnnxFolder } from './onnx-export.ts';
import type { QuantizeOptions } from './onnx-quantize.ts';
import type { MeasureParams, VariantMeasurement } from './variant-measure.ts';

/** The fixed prompts greedy agreement is measured on. */
export const REPORT_PROMPTS = ['Once upon a time', 'The little dog was sad because', 'First Citizen:\nBefore we proceed any further,', 'Lily and Tom went to the park. They saw a big'];

export interface ReportOptions extends QuantizeOptions {
  dtypes: readonly OnnxDtype[];
  /** Held-out text: its first tokens are scored for perplexity and used as the prefill prompt. */
  text: string;
  threads?: number;
  newTokens?: number;
  perplexityTokens?: number;
  window?: number;
  prefillTokens?: number;
  onProgress?: (p: { fraction: number; message: string }) => void;
  /** Stops the export and the measuring child at once (the child is killed: it writes nothing to keep). */
  signal?: AbortSignal;
}

export interface ReportRow extends Omit<VariantMeasurement, 'greedy'> {
  dtype: OnnxDtype;
  fileBytes: number;
  /** Share of greedy tokens equal to fp32's at the same position (1 for fp32 itself). */
  greedyAgreement: number;
}

const cancelled = () => new Error('the quantisation report was cancelled');

function measureInChild(params: MeasureParams, abort?: AbortSignal): Promise<VariantMeasurement> {
  return new Promise((resolve, reject) => {
    if (abort?.aborted) return reject(cancelled());
    const child = forkWorker(path.join(import.meta.dirname, 'variant-measure-worker.ts'), ['ignore', 'inherit', 'inherit', 'ipc']);
    let answered = false;
    const stop = () => {
      answered = true;
      child.kill();
      reject(cancelled());
    };
    abort?.addEventListener('abort', stop, { once: true });
    child.once('message', (m: { ok: boolean; result?: VariantMeasurement; error?: string }) => {
      answered = true;
      abort?.removeEventListener('abort', stop);
      if (m.ok) resolve(m.result!);
      else reject(new Error(`measuring ${params.dtype ?? 'fp32'}: ${m.error}`));
    });
    child.once('exit', (code, signal) => {
      abort?.removeEventListener('abort', stop);
      if (!answered) reject(new Error(`measuring ${params.dtype ?? 'fp32'}: the worker exited (${signal ?? code}) without a result`));
    });
    child.send(params);
  });
}

function agreement(rows: number[][], reference: number[][]): number {
  let same = 0;
  let all = 0;
  rows.forEach((row, i) => row.forEach((t, k) => {
    all++;
    if (t === reference[i][k]) same++;
  }));
  return all ? same / all : 0;
}

const SCRATCH = 'lathe-quant-report';

/**
 * A scratch folder in the system's temporary folder, named as atomic.ts names a writer's temporary, after removing
 * those of reports that were killed (their writer's pid gone): each holds every variant's ONNX files, several times
 * the model's size, and nothing else would ever remove it.
 */
function scratchFolder(): string {
  sweepAbandonedTemporaries(os.tmpdir(), 1, (name) => name.startsWith(`${SCRATCH}.tmp-`));
  const dir = path.join(os.tmpdir(), `${SCRATCH}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir);
  return dir;
}

/** Export fp32 and `dtypes` of the model at `sourceDir` into a scratch folder and measure each. */
export async function quantizationReport(sourceDir: string, opts: ReportOptions): Promise<ReportRow[]> {
  const dtypes: OnnxDtype[] = ['fp32', ...opts.dtypes.filter((d) => d !== 'fp32')];
  const scratch = scratchFolder();
  try {
    const dir = path.join(scratch, 'model');
    await exportOnnxFolder(sourceDir, dir, { ...opts, dtypes, onProgress: (p) => opts.onProgress?.({ fraction: p.fraction * 0.3, message: p.message }) });
    const rows: ReportRow[] = [];
    let reference: number[][] = [];
    for (const [i, dtype] of dtypes.entries()) {
      opts.onProgress?.({ fraction: 0.3 + (0.7 * i) / dtypes.length, message: `measuring ${dtype} (${i + 1} of ${dtypes.length})` });
      const m = await measureInChild({
        dir, dtype, text: opts.text, prompts: REPORT_PROMPTS, newTokens: opts.newTokens ?? 32, threads: opts.threads ?? 1,
        perplexityTokens: opts.perplexityTokens ?? 1024, window: opts.window ?? 256, prefillTokens: opts.prefillTokens ?? 128,
      }, opts.signal);
      if (dtype === 'fp32') reference = m.greedy;
      const file = path.join(dir, 'onnx', ONNX_VARIANTS[dtype].file);
      const fileBytes = fs.statSync(file).size + (fs.existsSync(`${file}_data`) ? fs.statSync(`${file}_data`).size : 0);
      const { greedy, ...rest } = m;
      rows.push({ dtype, fileBytes, ...rest, greedyAgreement: agreement(greedy, reference) });
    }
    opts.onProgress?.({ fraction: 1, message: 'done' });
    return rows;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The report as a Markdown table (sizes in MiB, ratios against fp32's row, perplexity as columnFigure() says it, as the studio does). */
export function reportTable(rows: readonly ReportRow[]): string {
  const fp32 = rows.find((r) => r.dtype === 'fp32') ?? rows[0];
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  const lines = [
    '| variant | file MiB | × fp32 | peak RSS MiB | prefill tok/s | decode tok/s | perplexity | greedy agreement |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.dtype} | ${mib(r.fileBytes)} | ${(r.fileBytes / fp32.fileBytes).toFixed(2)} | ${r.peakRssMb.toFixed(0)} | ${r.prefillTokensPerSecond.toFixed(0)} | ${r.decodeTokensPerSecond.toFixed(1)} | ${columnFigure(r.perplexity)} | ${(100 * r.greedyAgreement).toFixed(1)}% |`);
  }
  return lines.join('\n');
}
