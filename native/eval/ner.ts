// Entity-level precision, recall and F1 for BIO-tagged named-entity recognition, as seqeval computes them in
// its default (conlleval-compatible, non-strict) mode: entities are read from the tag sequences with
// seqeval's `get_entities` rules, and an entity counts as correct only when its type, start and end all match.
//
// Stray I- tags: like seqeval's default mode (and conlleval), an I-X that follows O, or follows a tag of a
// different type, starts a new entity of type X rather than being dropped. So ['O', 'I-PER', 'I-PER'] holds one
// PER entity over tokens 1–2. (seqeval's strict IOB2 mode would drop it; use that mode's rules elsewhere if needed.)
// E- and S- tags (IOBES) are read the same way seqeval reads them.

export interface Entity {
  type: string;
  /** Index of the first token, counted over the sentence. */
  start: number;
  /** Index of the last token (inclusive). */
  end: number;
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/** Entities of one tag sequence, as seqeval's `get_entities(seq)` (prefix tags: 'B-PER', 'I-PER', 'O'). */
export function entitiesOf(tags: readonly string[]): Entity[] {
  const entities: Entity[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  const padded = [...tags, 'O'];
  for (let i = 0; i < padded.length; i++) {
    const chunk = padded[i];
    const tag = chunk.slice(0, 1);
    // seqeval: chunk[1:].split('-', maxsplit=1)[-1] or '_'
    const rest = chunk.slice(1);
    const dash = rest.indexOf('-');
    const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || '_';
    if (endOfChunk(prevTag, tag, prevType, type)) entities.push({ type: prevType, start: begin, end: i - 1 });
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return entities;
}

export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold entities. */
  support: number;
}

export interface NerScore extends PrecisionRecallF1 {
  /** Scores per entity type. */
  perType: Record<string, PrecisionRecallF1>;
}

function prf(correct: number, nPred: number, nGold: number): PrecisionRecallF1 {
  const precision = nPred > 0 ? correct / nPred : 0;
  const recall = nGold > 0 ? correct / nGold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: nGold };
}

/**
 * Micro-averaged entity precision/recall/F1 over sentences (seqeval's `precision_score`, `recall_score`,
 * `f1_score` with their defaults), plus the same per type. Entities never span sentences. Undefined ratios
 * (no predicted or no gold entities) are 0, seqeval's default.
 */
export function scoreEntities(predicted: readonly (readonly string[])[], gold: readonly (readonly string[])[]): NerScore {
  if (predicted.length !== gold.length) throw new Error(`Need one gold tag sequence per prediction: got ${predicted.length} and ${gold.length}.`);
  const key = (sentence: number, e: Entity): string => `${sentence}\u0000${e.type}\u0000${e.start}\u0000${e.end}`;
  const goldKeys = new Set<string>();
  const counts = new Map<string, { correct: number; pred: number; gold: number }>();
  const bucket = (type: string) => {
    let c = counts.get(type);
    if (!c) counts.set(type, (c = { correct: 0, pred: 0, gold: 0 }));
    return c;
  };
  gold.forEach((tags, s) => {
    if (tags.length !== predicted[s].length) {
      throw new Error(`Sentence ${s + 1}: ${predicted[s].length} predicted tags for ${tags.length} gold tags.`);
    }
    for (const e of entitiesOf(tags)) {
      goldKeys.add(key(s, e));
      bucket(e.type).gold++;
    }
  });
  predicted.forEach((tags, s) => {
    const seen = new Set<string>();
    for (const e of entitiesOf(tags)) {
      const k = key(s, e);
      if (seen.has(k)) continue; // seqeval compares sets of entities
      seen.add(k);
      const c = bucket(e.type);
      c.pred++;
      if (goldKeys.has(k)) c.correct++;
    }
  });
  let correct = 0;
  let nPred = 0;
  let nGold = 0;
  const perType: Record<string, PrecisionRecallF1> = {};
  for (const type of [...counts.keys()].sort()) {
    const c = counts.get(type)!;
    perType[type] = prf(c.correct, c.pred, c.gold);
    correct += c.correct;
    nPred += c.pred;
    nGold += c.gold;
  }
  return { ...prf(correct, nPred, nGold), perType };
}

/** What one sentence adds to micro-averaged entity scores: entities predicted, gold, and predicted correctly. */
export interface EntityCounts {
  correct: number;
  predicted: number;
  gold: number;
}

/** One sentence's entity counts, compared as sets like `scoreEntities` (so summing them gives its micro scores). */
export function entityCounts(predicted: readonly string[], gold: readonly string[]): EntityCounts {
  const key = (e: Entity) => `${e.type}\u0000${e.start}\u0000${e.end}`;
  const goldKeys = new Set(entitiesOf(gold).map(key));
  const predKeys = new Set(entitiesOf(predicted).map(key));
  let correct = 0;
  for (const k of predKeys) if (goldKeys.has(k)) correct++;
  return { correct, predicted: predKeys.size, gold: goldKeys.size };
}
