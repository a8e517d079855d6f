// entity_f1 for a generative model: the generated text is read as one tag per token, and scored against the
// example's gold tag sequence with seqeval's entity rules (ner.ts). An NER example's one reference is its tag
// sequence joined by single spaces (runner-ner.ts writes it so), which is also how the examples view shows it.
import { entityCounts, type EntityCounts } from './ner.ts';

/**
 * O, or a B-/I-/E-/S- prefix and a type of letters, digits, _ and - (B-WORK_OF_ART, B-creative-work), case as
 * written: 'b-per' is not a tag, 'B-per' is one of type 'per', and 'B-PER,' (punctuation stuck to it) is not one.
 */
const TAG = /^(?:O|[BIES]-[\p{L}\p{N}_-]+)$/u;

export function isTag(word: string): boolean {
  return TAG.test(word);
}

/** The gold tags of an NER example: its one reference, split where runner-ner.ts joined it. */
export function goldTagsOf(references: readonly string[]): string[] {
  const joined = references[0] ?? '';
  return joined.trim() === '' ? [] : joined.trim().split(' ');
}

/**
 * The tags a prediction gives `length` tokens: its first line, split on white space, the words that are tags
 * (anything else — prose, punctuation, a copied token — is skipped), cut to `length` or padded with O.
 */
export function parseTagPrediction(prediction: string, length: number): string[] {
  const firstLine = prediction.split(/\r?\n/, 1)[0] ?? '';
  const tags = firstLine.split(/\s+/).filter(isTag).slice(0, length);
  while (tags.length < length) tags.push('O');
  return tags;
}

/** The entity counts of one example: its prediction parsed against the length of its gold tags. */
export function exampleEntityCounts(prediction: string, references: readonly string[]): EntityCounts {
  const gold = goldTagsOf(references);
  return entityCounts(parseTagPrediction(prediction, gold.length), gold);
}

/** Entity F1 from counts, 2·correct / (predicted + gold); `empty` is the value when neither side has an entity. */
function f1Of(c: EntityCounts, empty: number): number {
  const total = c.predicted + c.gold;
  return total === 0 ? empty : (2 * c.correct) / total;
}

/** One sentence's entity F1 (the examples view): a sentence with no gold and no predicted entity is right, 1. */
export function sentenceEntityF1(prediction: string, references: readonly string[]): number {
  return f1Of(exampleEntityCounts(prediction, references), 1);
}

/**
 * Corpus entity F1, micro-averaged as seqeval's f1_score: correct, predicted and gold entities summed over the
 * sentences first (2PR / (P + R) equals 2·correct / (predicted + gold)); no entity on either side scores 0 as there.
 */
export function corpusEntityF1(counts: readonly EntityCounts[]): number {
  const total = { correct: 0, predicted: 0, gold: 0 };
  for (const c of counts) {
    total.correct += c.correct;
    total.predicted += c.predicted;
    total.gold += c.gold;
  }
  return f1Of(total, 0);
}
