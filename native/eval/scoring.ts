// Scoring for the evaluation runner: which metrics a request names, each example's scores, and the corpus
// aggregates with 95% intervals: bootstrap, or Wilson's for a mean of 0/1 scores (wilson.ts). Corpus-level metrics (BLEU, chrF, macro-F1, entity F1, perplexity) are
// recomputed from summed statistics on every resample, never averaged from sentence scores.
// Every score metric is a fraction in [0, 1] (BLEU and chrF divided by 100), the scale of a project's target.
import { EVAL_METRICS, EVAL_METRIC_GROUPS, LOWER_IS_BETTER, PROPORTION_METRICS, type EvalMetricName, type MetricValue } from '../api/eval.ts';
import { bleuStatistics, computeBleu, sentenceBleu, type BleuStatistics } from './bleu.ts';
import { seededRandom } from '../data/seeded-random.ts';
import { bootstrapIntervals, mean, percentileOfSorted, type BootstrapOptions } from './bootstrap.ts';
import { chrfFromStatistics, chrfSegmentStatistics, sentenceChrf } from './chrf.ts';
import { scoreClassification } from './classification.ts';
import { corpusEntityF1, exampleEntityCounts, sentenceEntityF1 } from './ner-scoring.ts';
import { scoreAnswer } from './qa.ts';
import { wilsonInterval } from '../api/wilson.ts';
import { rougeScoreMulti, type RougeType } from './rouge.ts';

const ROUGE: readonly string[] = EVAL_METRIC_GROUPS.rouge;
/** Porter stemming on, as summarisation papers report ROUGE (rouge-score's use_stemmer=True). */
export const ROUGE_STEM = true;
export const PERPLEXITY_METRICS: readonly string[] = EVAL_METRIC_GROUPS.perplexity;

/** Expand groups ('rouge', 'em_f1', 'perplexity'), drop repeats, keep the order given. */
export function expandMetrics(names: readonly string[]): EvalMetricName[] {
  const out: EvalMetricName[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const group = (EVAL_METRIC_GROUPS as Record<string, readonly EvalMetricName[]>)[name];
    const members = group ?? (EVAL_METRICS.includes(name as EvalMetricName) ? [name as EvalMetricName] : null);
    if (!members) throw new Error(`unknown metric '${name}': use ${[...Object.keys(EVAL_METRIC_GROUPS), ...EVAL_METRICS].join(', ')}`);
    for (const m of members) if (!out.includes(m)) out.push(m);
  }
  if (out.length === 0) throw new Error('name at least one metric');
  const ppl = out.filter((m) => PERPLEXITY_METRICS.includes(m));
  if (ppl.length > 0 && ppl.length < out.length) {
    throw new Error(`perplexity and bits_per_byte score the model on text without generating, so they cannot share a run with ${out.filter((m) => !PERPLEXITY_METRICS.includes(m)).join(', ')}: start two evaluations`);
  }
  return out;
}

export function isPerplexityRun(metrics: readonly string[]): boolean {
  return metrics.every((m) => PERPLEXITY_METRICS.includes(m));
}

export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.includes(metric);
}

/** Classification labels compare after trimming and case folding; the prediction is right if it equals any reference. */
function normalizeLabel(text: string): string {
  return text.trim().toLowerCase();
}

/** Each named metric's score of one prediction against its references (best over references). */
export function scoreExample(metrics: readonly EvalMetricName[], prediction: string, references: readonly string[]): Record<string, number> {
  const scores: Record<string, number> = {};
  const rougeTypes = metrics.filter((m) => ROUGE.includes(m)) as RougeType[];
  if (rougeTypes.length > 0) {
    const r = rougeScoreMulti(references, prediction, { types: rougeTypes, stem: ROUGE_STEM });
    for (const t of rougeTypes) scores[t] = r[t].fmeasure;
  }
  if (metrics.includes('bleu')) scores.bleu = sentenceBleu(prediction, references).score / 100;
  if (metrics.includes('chrf')) scores.chrf = sentenceChrf(prediction, references) / 100;
  if (metrics.includes('exact_match') || metrics.includes('f1')) {
    const qa = scoreAnswer(prediction, references);
    if (metrics.includes('exact_match')) scores.exact_match = qa.exactMatch;
    if (metrics.includes('f1')) scores.f1 = qa.f1;
  }
  if (metrics.includes('accuracy') || metrics.includes('macro_f1')) {
    scores.accuracy = references.some((r) => normalizeLabel(r) === normalizeLabel(prediction)) ? 1 : 0;
  }
  if (metrics.includes('entity_f1')) scores.entity_f1 = sentenceEntityF1(prediction, references);
  return scores;
}

/**
 * Whether a run's value of `metric` is the mean of its examples' scores (ROUGE, exact match, F1, accuracy, the
 * judge's): a difference of two runs' values is then the mean of their per-example differences. BLEU, chrF, macro
 * F1 and entity F1 are corpus statistics, not means.
 */
export function isMeanOfExampleScores(metric: string): boolean {
  return ROUGE.includes(metric) || ['exact_match', 'f1', 'accuracy', 'judge', 'judge_agreement'].includes(metric);
}

/** Percentile interval of `statistic` over bootstrap resamples of the items (same seeded stream as bootstrap.ts). */
export function bootstrapStatistic<T>(items: readonly T[], statistic: (sample: T[]) => number, options: BootstrapOptions = {}): { low: number; high: number } {
  const samples = options.samples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const n = items.length;
  if (n === 0) throw new Error('a bootstrap interval needs at least one example');
  const random = seededRandom(options.seed ?? 0);
  const values = new Float64Array(samples);
  const sample: T[] = new Array<T>(n);
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < n; k++) sample[k] = items[Math.floor(random() * n)];
    values[s] = statistic(sample);
  }
  values.sort();
  const delta = (1 - confidence) / 2;
  return { low: percentileOfSorted(values, 100 * delta), high: percentileOfSorted(values, 100 * (1 - delta)) };
}

function sumBleu(stats: readonly BleuStatistics[]): BleuStatistics {
  const order = stats[0].counts.length;
  const total: BleuStatistics = { counts: new Array<number>(order).fill(0), totals: new Array<number>(order).fill(0), sysLen: 0, refLen: 0 };
  for (const s of stats) {
    for (let i = 0; i < order; i++) {
      total.counts[i] += s.counts[i];
      total.totals[i] += s.totals[i];
    }
    total.sysLen += s.sysLen;
    total.refLen += s.refLen;
  }
  return total;
}

function sumVectors(vectors: readonly number[][]): number[] {
  const total = new Array<number>(vectors[0].length).fill(0);
  for (const v of vectors) v.forEach((x, i) => (total[i] += x));
  return total;
}

export interface ScoredExample {
  prediction: string;
  references: string[];
  scores: Record<string, number>;
}

/** Corpus aggregates of a generation run, each with its 95% interval (bootstrap; Wilson's for 0/1 scores). */
export function aggregateGeneration(metrics: readonly EvalMetricName[], examples: readonly ScoredExample[], options: BootstrapOptions = {}): MetricValue[] {
  if (examples.length === 0) return [];
  const out = new Map<string, MetricValue>();
  const put = (name: string, value: number, ci95: { low: number; high: number } | null) => out.set(name, { name, value, ci95, higherIsBetter: higherIsBetter(name) });
  // Mean metrics share one resampling, as rouge-score does across its measures.
  const meanMetrics: string[] = metrics.filter(isMeanOfExampleScores);
  // A judge run on a labelled dataset also reports how often the judge's score equals the label.
  if (metrics.includes('judge') && examples.every((e) => e.scores.judge_agreement !== undefined)) meanMetrics.push('judge_agreement');
  if (meanMetrics.length > 0) {
    const rows = examples.map((e) => meanMetrics.map((m) => e.scores[m]));
    const intervals = bootstrapIntervals(rows, options);
    meanMetrics.forEach((m, c) => {
      const scores = rows.map((r) => r[c]);
      // a mean of 0/1 scores gets Wilson's interval: the bootstrap's collapses to a point when every example scores
      // the same (0 of 20 right read 0.0000–0.0000)
      const right = scores.reduce((a, b) => a + b, 0);
      put(m, mean(scores), PROPORTION_METRICS.includes(m) ? wilsonInterval(right, scores.length, options.confidence) : { low: intervals[c].low, high: intervals[c].high });
    });
  }
  if (metrics.includes('bleu')) {
    const stats = examples.map((e) => bleuStatistics([e.prediction], [e.references]));
    const corpus = (sample: BleuStatistics[]) => computeBleu(sumBleu(sample)).score / 100;
    put('bleu', corpus(stats), bootstrapStatistic(stats, corpus, options));
  }
  if (metrics.includes('chrf')) {
    const stats = examples.map((e) => chrfSegmentStatistics(e.prediction, e.references));
    const corpus = (sample: number[][]) => chrfFromStatistics(sumVectors(sample)) / 100;
    put('chrf', corpus(stats), bootstrapStatistic(stats, corpus, options));
  }
  if (metrics.includes('macro_f1')) {
    // The gold label is the first reference; a prediction matching another reference counts as that label.
    const pairs = examples.map((e) => {
      const hit = e.references.find((r) => normalizeLabel(r) === normalizeLabel(e.prediction));
      return { pred: normalizeLabel(hit ?? e.prediction), gold: normalizeLabel(e.references[0]) };
    });
    const corpus = (sample: typeof pairs) => scoreClassification(sample.map((p) => p.pred), sample.map((p) => p.gold)).macroF1;
    put('macro_f1', corpus(pairs), bootstrapStatistic(pairs, corpus, options));
  }
  if (metrics.includes('entity_f1')) {
    // Micro-averaged over the corpus from each sentence's entity counts, never a mean of sentence F1s.
    const counts = examples.map((e) => exampleEntityCounts(e.prediction, e.references));
    put('entity_f1', corpusEntityF1(counts), bootstrapStatistic(counts, corpusEntityF1, options));
  }
  return [...metrics, 'judge_agreement'].filter((m) => out.has(m)).map((m) => out.get(m)!);
}

export interface TextLoss {
  nll: number;
  tokens: number;
  bytes: number;
}

/** Corpus perplexity (exp of total NLL over total tokens) and bits per byte, with intervals over documents. */
export function aggregatePerplexity(metrics: readonly EvalMetricName[], parts: readonly TextLoss[], options: BootstrapOptions = {}): MetricValue[] {
  const scored = parts.filter((p) => p.tokens > 0);
  if (scored.length === 0) return [];
  const sum = (sample: readonly TextLoss[]) => sample.reduce((t, p) => ({ nll: t.nll + p.nll, tokens: t.tokens + p.tokens, bytes: t.bytes + p.bytes }), { nll: 0, tokens: 0, bytes: 0 });
  const ppl = (sample: TextLoss[]) => {
    const t = sum(sample);
    return Math.exp(t.nll / t.tokens);
  };
  const bpb = (sample: TextLoss[]) => {
    const t = sum(sample);
    return t.bytes > 0 ? t.nll / (Math.LN2 * t.bytes) : Number.NaN;
  };
  const out: MetricValue[] = [];
  if (metrics.includes('perplexity')) out.push({ name: 'perplexity', value: ppl([...scored]), ci95: bootstrapStatistic(scored, ppl, options), higherIsBetter: false });
  if (metrics.includes('bits_per_byte')) out.push({ name: 'bits_per_byte', value: bpb([...scored]), ci95: bootstrapStatistic(scored, bpb, options), higherIsBetter: false });
  return out;
}

/** Latency percentiles, and throughput as generated tokens over the wall time spent generating (batches included). */
export function timingOf(
  examples: readonly { latencyMs: number; generatedTokens: number }[],
  totalSeconds: number,
  generationMs: number,
): { latencyMsMean: number | null; latencyMsP50: number | null; latencyMsP95: number | null; tokensPerSecond: number | null; totalSeconds: number } {
  if (examples.length === 0) return { latencyMsMean: null, latencyMsP50: null, latencyMsP95: null, tokensPerSecond: null, totalSeconds };
  const sorted = Float64Array.from(examples.map((e) => e.latencyMs)).sort();
  const tokens = examples.reduce((s, e) => s + e.generatedTokens, 0);
  return {
    latencyMsMean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    latencyMsP50: percentileOfSorted(sorted, 50),
    latencyMsP95: percentileOfSorted(sorted, 95),
    tokensPerSecond: generationMs > 0 && tokens > 0 ? tokens / (generationMs / 1000) : null,
    totalSeconds,
  };
}
