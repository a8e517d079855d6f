// entity_f1 for generated answers: how a prediction is read as tags, each sentence's entity F1 and the corpus
// micro F1 with its interval, all checked by hand against seqeval's default rules (a stray I- tag opens an entity,
// an entity counts only with its type, start and end right); how an NER row becomes a prompt and a reference; and
// what the Evaluate setup offers an NER project.
import { describe, expect, it } from 'vitest';
import { nerPromptTemplate } from '../../native/api/ner-prompt.ts';
import type { Dataset, Project } from '../../native/api/schemas.ts';
import { scoreEntities } from '../../native/eval/ner.ts';
import { corpusEntityF1, exampleEntityCounts, goldTagsOf, isTag, parseTagPrediction, sentenceEntityF1 } from '../../native/eval/ner-scoring.ts';
import { nerColumnsOf, nerRowView } from '../../native/eval/runner-ner.ts';
import { aggregateGeneration, bootstrapStatistic, expandMetrics, scoreExample } from '../../native/eval/scoring.ts';
import { buildPrompt } from '../../native/text/prompt.ts';
import { templateFromMapping } from '../../renderer/src/pages/evaluate/evalForm.ts';
import { isFraction, suggestedMetrics } from '../../renderer/src/pages/evaluate/metrics.ts';

// Each case: the gold tags (the one reference, joined by spaces), the generated text, and its entity counts by hand.
const CASES = [
  // all right: PER(0,0) and LOC(3,4) both ways; the second line is never read
  { gold: 'B-PER O O B-LOC I-LOC', prediction: 'B-PER O O B-LOC I-LOC\nB-PER B-PER', counts: { correct: 2, predicted: 2, gold: 2 }, f1: 1 },
  // a stray I-ORG after O opens an ORG entity (seqeval's default mode), which is the gold ORG(1,2)
  { gold: 'O B-ORG I-ORG O', prediction: 'O I-ORG I-ORG O', counts: { correct: 1, predicted: 1, gold: 1 }, f1: 1 },
  // type mismatch: ORG(0,1) is not the gold PER(0,1); LOC(3,3) is right → 2·1 / (2 + 2)
  { gold: 'B-PER I-PER O B-LOC', prediction: 'B-ORG I-ORG O B-LOC', counts: { correct: 1, predicted: 2, gold: 2 }, f1: 0.5 },
  // no tags at all: padded with O; no entity either side is a right sentence
  { gold: 'O O O', prediction: 'I think so', counts: { correct: 0, predicted: 0, gold: 0 }, f1: 1 },
  // 'Tags:' and 'B-MISC,' are not tags; O B-PER B-PER is cut to the two tokens → PER(1,1) against MISC(0,0)
  { gold: 'B-MISC O', prediction: 'Tags: B-MISC, O B-PER B-PER', counts: { correct: 0, predicted: 1, gold: 1 }, f1: 0 },
  // an I- of another type after B-PER opens a LOC entity: PER(0,0) and LOC(1,1) against PER(0,1)
  { gold: 'B-PER I-PER', prediction: 'B-PER I-LOC', counts: { correct: 0, predicted: 2, gold: 1 }, f1: 0 },
];
// Summed: correct 4, predicted 8, gold 7 → P 1/2, R 4/7, F1 = 2·(1/2)(4/7) / (1/2 + 4/7) = 8/15.
const CORPUS_F1 = 8 / 15;

describe('reading a generated answer as tags', () => {
  it('keeps O and B-/I-/E-/S- words as written, nothing else', () => {
    expect(['O', 'B-PER', 'I-per', 'E-LOC', 'S-MISC', 'B-WORK_OF_ART'].every(isTag)).toBe(true);
    expect(['o', 'b-PER', 'B-', 'B', 'X-PER', 'B-PER,', 'Tags:', 'PER', ''].some(isTag)).toBe(false);
  });

  it('reads the first line, skips words that are not tags, and cuts or pads with O to the tokens', () => {
    expect(parseTagPrediction('B-PER O\nI-PER I-PER', 4)).toEqual(['B-PER', 'O', 'O', 'O']);
    expect(parseTagPrediction('  the B-LOC , I-LOC O B-PER  ', 3)).toEqual(['B-LOC', 'I-LOC', 'O']);
    expect(parseTagPrediction('', 2)).toEqual(['O', 'O']);
    expect(goldTagsOf(['B-PER I-PER O'])).toEqual(['B-PER', 'I-PER', 'O']);
  });
});

describe('entity F1 per sentence and over the corpus', () => {
  it('counts each sentence by hand', () => {
    for (const c of CASES) {
      expect(exampleEntityCounts(c.prediction, [c.gold]), c.prediction).toEqual(c.counts);
      expect(sentenceEntityF1(c.prediction, [c.gold]), c.prediction).toBeCloseTo(c.f1, 12);
      expect(scoreExample(['entity_f1'], c.prediction, [c.gold])).toEqual({ entity_f1: expect.closeTo(c.f1, 12) });
    }
  });

  it('micro-averages the summed counts, as seqeval does over the parsed sequences', () => {
    const counts = CASES.map((c) => exampleEntityCounts(c.prediction, [c.gold]));
    expect(corpusEntityF1(counts)).toBeCloseTo(CORPUS_F1, 12);
    const golds = CASES.map((c) => goldTagsOf([c.gold]));
    const predicted = CASES.map((c, i) => parseTagPrediction(c.prediction, golds[i].length));
    expect(scoreEntities(predicted, golds).f1).toBeCloseTo(CORPUS_F1, 12);
    // the sentence mean (5/6 here) is not the metric
    expect(CASES.reduce((s, c) => s + c.f1, 0) / CASES.length).not.toBeCloseTo(CORPUS_F1, 3);
    // a corpus without a single entity on either side scores 0, seqeval's undefined-ratio default
    expect(corpusEntityF1([{ correct: 0, predicted: 0, gold: 0 }])).toBe(0);
  });

  it('aggregates a run with a bootstrap interval over sentences', () => {
    const examples = CASES.map((c) => ({ prediction: c.prediction, references: [c.gold], scores: scoreExample(['entity_f1'], c.prediction, [c.gold]) }));
    const options = { samples: 1000, seed: 0, confidence: 0.95 };
    const [m] = aggregateGeneration(expandMetrics(['entity_f1']), examples, options);
    expect(m.name).toBe('entity_f1');
    expect(m.higherIsBetter).toBe(true);
    expect(m.value).toBeCloseTo(CORPUS_F1, 12);
    const counts = CASES.map((c) => exampleEntityCounts(c.prediction, [c.gold]));
    expect(m.ci95).toEqual(bootstrapStatistic(counts, corpusEntityF1, options));
    expect(m.ci95!.low).toBeLessThan(m.value);
    expect(m.ci95!.high).toBeGreaterThan(m.value);
  });
});

describe('an NER row as prompt and reference', () => {
  const dataset = { name: 'wnut', columns: ['id', 'tokens', 'ner_tags', 'text'], mapping: { tokens: 'tokens', tags: 'ner_tags' } } as unknown as Dataset;
  const project = (task: string) => ({ name: 'p', task }) as unknown as Project;

  it('is NER when the dataset maps tokens and tags, the project tags entities, or entity_f1 is asked for', () => {
    expect(nerColumnsOf(dataset, null, ['rougeL'], {})).toEqual({ tokens: 'tokens', tags: 'ner_tags' });
    const text = { ...dataset, mapping: { text: 'text' } } as Dataset;
    expect(nerColumnsOf(text, project('summarization'), ['rougeL'], {})).toBeNull();
    expect(() => nerColumnsOf(text, null, ['entity_f1'], {})).toThrow(/entity_f1 reads one tag per token, but dataset wnut maps no tokens column .*--tokens-column C --tags-column C/);
    expect(() => nerColumnsOf(text, project('ner'), ['rougeL'], {})).toThrow(/project p is named-entity recognition/);
    expect(nerColumnsOf(text, project('ner'), ['entity_f1'], { inputColumn: 'tokens', referenceColumns: ['ner_tags'] })).toEqual({ tokens: 'tokens', tags: 'ner_tags' });
    expect(() => nerColumnsOf(dataset, null, ['entity_f1'], { referenceColumns: ['ner_tags', 'text'] })).toThrow(/one tags column/);
  });

  it('joins tokens and tags by spaces, and refuses class ids and rows whose counts differ', () => {
    const view = nerRowView(dataset, { tokens: 'tokens', tags: 'ner_tags' });
    expect(view({ id: 1, tokens: ['EU', 'rejects', 'German'], ner_tags: ['B-ORG', 'O', 'B-MISC'] }, 'test:0')).toEqual({ id: 1, tokens: 'EU rejects German', ner_tags: 'B-ORG O B-MISC' });
    expect(() => view({ tokens: ['EU', 'rejects'], ner_tags: [3, 0] }, 'test:1'))
      .toThrow("dataset wnut: column 'ner_tags' holds numbers (class ids such as 3, in example test:1), not tag names; entity F1 reads tags such as B-PER. Map the ids to tag names first (Lathe has no ClassLabel names to map them with): write the tags out in the file and import it again");
    expect(() => view({ tokens: ['EU', 'rejects'], ner_tags: ['B-ORG'] }, 'test:2'))
      .toThrow("example test:2 of dataset wnut has 2 tokens in column 'tokens' but 1 tags in column 'ner_tags'; each token needs exactly one tag: fix the row or leave it out");
  });

  it('prompts with the tag set, and few-shot examples in the same layout', () => {
    const template = nerPromptTemplate({ tokens: 'tokens', tags: 'ner_tags' }, ['B-LOC', 'B-PER', 'I-PER', 'O']);
    const shot = { tokens: 'Ann met Bo', ner_tags: 'B-PER O B-PER' };
    const query = { tokens: 'Paris is big', ner_tags: 'B-LOC O O' };
    expect(buildPrompt(template, query, { shots: 1, pool: [shot] })).toBe([
      'Tag each token with one of these tags: B-LOC B-PER I-PER O. Write one tag per token, in order, separated by spaces.',
      'Tokens: Ann met Bo\nTags: B-PER O B-PER',
      'Tokens: Paris is big\nTags:',
    ].join('\n\n'));
  });
});

describe('the Evaluate setup for an NER project', () => {
  it('offers entity_f1 first and selects it', () => {
    const ner = { task: 'ner', metric: 'entity_f1' } as unknown as Project;
    expect(suggestedMetrics(ner)).toMatchObject({ suggested: ['entity_f1'], preselected: ['entity_f1'] });
    expect(suggestedMetrics(ner).order[0]).toBe('entity_f1');
    // an NER project that has not chosen its metric yet gets its task's
    expect(suggestedMetrics({ task: 'ner', metric: null } as unknown as Project).preselected).toEqual(['entity_f1']);
    // ...as a suggestion: the setup badges only the project's own metric "project"
    expect(suggestedMetrics(ner).own).toBe('entity_f1');
    expect(suggestedMetrics({ task: 'ner', metric: null } as unknown as Project).own).toBeNull();
    expect(isFraction('entity_f1')).toBe(true);
  });

  it('starts a custom layout from the NER layout, not a target column the dataset lacks', () => {
    const dataset = { name: 'conll', columns: ['id', 'tokens', 'ner_tags'], mapping: { tokens: 'tokens', tags: 'ner_tags' } } as unknown as Dataset;
    expect(templateFromMapping(dataset)).toEqual({
      instruction: 'Tag each token with its entity tag (B-TYPE, I-TYPE or O). Write one tag per token, in order, separated by spaces.',
      input: 'Tokens: {{tokens}}', output: 'Tags: {{ner_tags}}', answerPrefix: 'Tags:',
    });
  });
});
