// Beam search for one prompt, after transformers' BeamSearchScorer: keep `numBeams` live sequences ranked by
// the sum of their tokens' log-probabilities; a beam that emits a stop token becomes a finished hypothesis
// scored sum / length^length_penalty; stop when no live beam can beat the worst kept hypothesis. The cache
// rows follow their beams through `reorderCache` (a copy of each kept row).
import { applyProcessors, logSoftmax, topIndices } from './processors.ts';
import type { GenerateOptions, ResolvedOptions } from './options.ts';
import { TextStream, type Detokenizer } from './text-stream.ts';
import type { GeneratedRow, LanguageModel } from './language-model.ts';

interface Beam {
  ids: number[]; // generated tokens only
  score: number; // sum of log-probabilities
}

interface Hypothesis extends Beam {
  normalized: number;
  endedWithStop: boolean;
}

export async function beamSearch<Cache>(
  model: LanguageModel<Cache>,
  tok: Detokenizer,
  prompt: number[],
  o: ResolvedOptions,
  rowIndex: number,
  { onToken, signal }: Pick<GenerateOptions, 'onToken' | 'signal'> = {},
): Promise<GeneratedRow> {
  const V = model.vocabSize;
  const K = o.numBeams;
  const stops = new Set(o.stopTokenIds);
  const normalize = (score: number, length: number) => score / Math.max(1, length) ** o.lengthPenalty;
  const finished: Hypothesis[] = [];
  const addHypothesis = (h: Beam, endedWithStop: boolean) => {
    finished.push({ ...h, endedWithStop, normalized: normalize(h.score, h.ids.length) });
    finished.sort((a, b) => b.normalized - a.normalized);
    if (finished.length > K) finished.pop();
  };

  let beams: Beam[] = [{ ids: [], score: 0 }]; // one row until the first step fans out
  let cache = model.emptyCache(1);
  let input = [prompt];
  let cancelled = false;
  for (let step = 0; step < o.maxNewTokens; step++) {
    if (signal?.aborted) {
      // Keep the live beams as they stand, so the best sequence so far is still the answer.
      cancelled = true;
      for (const b of beams) if (b.ids.length > 0) addHypothesis(b, false);
      break;
    }
    const mask = beams.map(() => Array(prompt.length + step).fill(1));
    const out = await model.forward(input, mask, cache);
    const T = input[0].length;
    const candidates: { beam: number; id: number; score: number }[] = [];
    beams.forEach((beam, b) => {
      const start = (b * T + T - 1) * V;
      const logits = out.logits.slice(start, start + V);
      applyProcessors(o.processors, { ids: [...prompt, ...beam.ids], promptLength: prompt.length }, logits);
      const lp = logSoftmax(logits);
      for (const id of topIndices(lp, 2 * K)) if (lp[id] > -Infinity) candidates.push({ beam: b, id, score: beam.score + lp[id] });
    });
    candidates.sort((a, b) => b.score - a.score);
    const next: { beam: number; id: number; score: number }[] = [];
    for (const [rank, c] of candidates.entries()) {
      if (stops.has(c.id)) {
        // Like transformers, only a stop among the top K candidates finishes a hypothesis.
        if (rank < K) addHypothesis({ ids: [...beams[c.beam].ids, c.id], score: c.score }, true);
      } else next.push(c);
      if (next.length === K) break;
    }
    const last = step === o.maxNewTokens - 1 || next.length === 0;
    const newBeams = next.map((c) => ({ ids: [...beams[c.beam].ids, c.id], score: c.score }));
    if (last) {
      for (const b of newBeams) addHypothesis(b, false);
      break;
    }
    // Done when K hypotheses are kept and the best live beam cannot overtake the worst of them.
    const bestLive = normalize(newBeams[0].score, step + 1);
    if (finished.length === K && finished[K - 1].normalized >= bestLive) break;
    cache = await model.reorderCache(out.present, next.map((c) => c.beam));
    beams = newBeams;
    input = next.map((c) => [c.id]);
  }

  const best = finished[0] ?? { ids: [], score: 0, endedWithStop: false, normalized: 0 }; // cancelled before step 1
  const stream = new TextStream(tok, prompt, o.stopStrings);
  let finishReason: GeneratedRow['finishReason'] = best.endedWithStop ? 'stop_token' : cancelled ? 'cancelled' : 'length';
  const kept: number[] = [];
  for (const id of best.ids) {
    kept.push(id);
    if (stops.has(id)) break;
    const text = stream.push(id);
    onToken?.({ row: rowIndex, tokenId: id, text });
    if (stream.stopped) {
      finishReason = 'stop_string';
      break;
    }
  }
  const tail = stream.flush();
  if (tail) onToken?.({ row: rowIndex, tokenId: -1, text: tail });
  return { text: stream.text, tokenIds: kept, finishReason, score: best.normalized };
}
