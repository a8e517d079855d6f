// Speed of the text metrics on a realistic evaluation: DialogSum's 500 test dialogues, a lead baseline (the
// dialogue's first turn) as the prediction, three reference summaries each. Times ROUGE-1/2/L/Lsum with
// stemming (best of three references, rouge-score's score_multi) and corpus BLEU (13a, exp smoothing), and
// prints one JSON line. Target: under one second for both together.
//   node --import tsx bench/metrics.ts [--repeat N]
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { corpusBleu } from '../native/eval/bleu.ts';
import { mean } from '../native/eval/bootstrap.ts';
import { rougeScoreMulti } from '../native/eval/rouge.ts';

const repeatFlag = process.argv.indexOf('--repeat');
const repeat = repeatFlag >= 0 ? Number(process.argv[repeatFlag + 1]) : 5;
const file = path.resolve(import.meta.dirname, '../../shared/data/datasets/dialogsum/test.jsonl');
if (!fs.existsSync(file)) {
  console.error(`bench/metrics: ${file} not found (the shared data kit is expected at ../shared/data).`);
  process.exit(1);
}
const rows = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { dialogue: string; summary1: string; summary2: string; summary3: string });
const predictions = rows.map((r) => r.dialogue.split('\n')[0]);
const references = rows.map((r) => [r.summary1, r.summary2, r.summary3]);

function timeBest<T>(work: () => T): { ms: number; result: T } {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    result = work();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, result };
}

const rouge = timeBest(() => predictions.map((p, i) => rougeScoreMulti(references[i], p, { stem: true })));
const bleu = timeBest(() => corpusBleu(predictions, references));
console.log(
  JSON.stringify({
    bench: 'metrics',
    examples: predictions.length,
    referencesPerExample: 3,
    repeat,
    rougeStemMs: Number(rouge.ms.toFixed(1)),
    bleuMs: Number(bleu.ms.toFixed(1)),
    totalMs: Number((rouge.ms + bleu.ms).toFixed(1)),
    rouge1F: Number(mean(rouge.result.map((s) => s.rouge1.fmeasure)).toFixed(4)),
    rougeLsumF: Number(mean(rouge.result.map((s) => s.rougeLsum.fmeasure)).toFixed(4)),
    bleu: Number(bleu.result.score.toFixed(2)),
    node: process.versions.node,
  }),
);
