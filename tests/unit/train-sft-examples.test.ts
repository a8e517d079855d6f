// Supervised examples end with a scored end-of-text token so a tuned model learns to stop: the tokenizer's EOS,
// or BOS for models (llama2.c) whose generation config stops at BOS because pretraining separated texts with it.
// Classification and tagging prompt exactly as their evaluation does (built here by the evaluation's own functions),
// and existing mappings keep the format they had.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedLabels } from '../../native/api/default-prompt.ts';
import { nerPromptTemplate } from '../../native/api/ner-prompt.ts';
import type { Dataset } from '../../native/api/schemas.ts';
import { datasetDir } from '../../native/data/files.ts';
import { importDataset } from '../../native/data/import.ts';
import { suggestMapping } from '../../native/data/mapping.ts';
import { defaultTemplate, inputColumnOf, promptLabelsOf, referenceColumnsOf } from '../../native/eval/runner-data.ts';
import { templateFromMapping } from '../../renderer/src/pages/evaluate/evalForm.ts';
import { nerColumnsOf, nerRowView, tagSetOf } from '../../native/eval/runner-ner.ts';
import { IGNORE_INDEX } from '../../native/models/training-graph.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { buildPrompt } from '../../native/text/prompt.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { collate } from '../../native/train/batches.ts';
import { completionEndId, detectFormat, examplePrompter, hasScoredTokens, promptThenAnswer, tokenizeExample, type SftFormat } from '../../native/train/sft-examples.ts';
import { judgeVocab } from '../fixtures/models/judge-fixture.ts';
import { charTokenizer } from '../fixtures/models/random-checkpoint.ts';
import { SPM_PIECES, spmTokenizerBin } from '../fixtures/models/spm-llama.ts';
import { tempStudios } from './studio-calls.ts';

const special = (id: number, content: string) => ({ id, content, special: true, single_word: false, lstrip: false, rstrip: false, normalized: false });
const unigram = {
  version: '1.0',
  added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: null,
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 0, vocab: [['<unk>', 0], ['<s>', 0], ['</s>', 0], ['▁ask', -1], ['▁reply', -1], ['▁', -2], ['a', -4], ['s', -4], ['k', -4]] },
};
// Llama's post-processor, which puts <s> before every text: training puts it before every example (bosHead)
const addsBos = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
};
const withSpecials = TextTokenizer.fromJson({ ...unigram, post_processor: addsBos }, { bos_token: '<s>', eos_token: '</s>' });

describe('the end of a supervised example', () => {
  it('is EOS, or BOS where generation stops at BOS (llama2.c), or the first stop id without an EOS', () => {
    expect(completionEndId(withSpecials, [2])).toBe(2);
    expect(completionEndId(withSpecials, [2, 1])).toBe(1);
    expect(completionEndId(withSpecials, [])).toBe(2);
    const bare = TextTokenizer.fromJson(unigram, {});
    expect(completionEndId(bare, [5])).toBe(5);
    expect(completionEndId(bare, [])).toBeNull();
  });

  it('is appended to the completion and scored, after a masked prompt', () => {
    const { example } = tokenizeExample({ prompt: 'ask', completion: 'reply' }, withSpecials, { seqLen: 16, trainOnPrompt: false, endId: 1 });
    expect(example.ids).toEqual([1, 3, 4, 1]);
    expect(example.labels).toEqual([IGNORE_INDEX, IGNORE_INDEX, 4, 1]);
    expect(tokenizeExample({ prompt: 'ask', completion: 'reply' }, withSpecials, { seqLen: 16, trainOnPrompt: false }).example.ids.at(-1)).toBe(2);
    // shifted for the loss: the last input position's label is the end token, padding is ignored
    const batch = collate([example, { ids: [1, 4], labels: [IGNORE_INDEX, 4] }], 2);
    expect(Array.from(batch.feeds.labels.data as BigInt64Array, Number)).toEqual([IGNORE_INDEX, 4, 1, 4, IGNORE_INDEX, IGNORE_INDEX]);
    expect(batch.scored).toBe(3);
  });
});

describe('an over-long example', () => {
  const long = { prompt: Array.from({ length: 40 }, (_, i) => (i % 2 ? 'ask' : 'reply')).join(' '), completion: 'reply ask reply' };

  it('keeps its completion and loses the middle of its prompt (a plain cut left nothing to score: NaN loss)', () => {
    const { example, truncated } = tokenizeExample(long, withSpecials, { seqLen: 12, trainOnPrompt: false, endId: 2 });
    expect(truncated).toBe(true);
    expect(example.ids).toHaveLength(13);
    // BOS, the prompt's first 4 and last 4 tokens (what the completion leaves of the window), the completion, its end
    expect(example.ids).toEqual([1, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 2]);
    expect(example.labels.slice(-4)).toEqual([4, 3, 4, 2]);
    expect(collate([example], 2).scored).toBe(4);
  });

  it('cuts a completion longer than half the window at its end, and keeps half the window for the prompt', () => {
    const longCompletion = { prompt: 'ask ask ask ask ask ask ask ask', completion: Array.from({ length: 30 }, () => 'reply').join(' ') };
    const { example } = tokenizeExample(longCompletion, withSpecials, { seqLen: 11, trainOnPrompt: false, endId: 2 });
    expect(example.ids).toEqual([1, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4]);
    expect(example.labels.filter((l) => l !== IGNORE_INDEX)).toHaveLength(5);
  });

  it('with no completion and no end token has nothing to score', () => {
    const { example } = tokenizeExample({ prompt: 'ask', completion: '' }, TextTokenizer.fromJson(unigram, {}), { seqLen: 8, trainOnPrompt: false, endId: null });
    expect(hasScoredTokens(example)).toBe(false);
    expect(hasScoredTokens(tokenizeExample(long, withSpecials, { seqLen: 8, trainOnPrompt: false }).example)).toBe(true);
  });
});

// A character tokenizer (no pre-tokenizer: " 1" is ' ', '1') and a SentencePiece one (a '▁' before every text encoded).
const chars = (() => {
  const { tokenizer, tokenizerConfig } = charTokenizer(66);
  return TextTokenizer.fromJson({ ...tokenizer, model: { ...(tokenizer.model as object), vocab: judgeVocab() } }, tokenizerConfig);
})();
const sentencePiece = (() => {
  const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(spmTokenizerBin(), SPM_PIECES.length).toTokenizerJson();
  return TextTokenizer.fromJson(tokenizer as Record<string, unknown>, tokenizerConfig as Record<string, unknown>);
})();

const studios = tempStudios('lathe-sft-formats-', 'serve');
async function imported(name: string, rows: object[]): Promise<{ dataset: Dataset; dataDir: string }> {
  const { studio, dataDir } = studios.open();
  const file = path.join(dataDir, `${name}.jsonl`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { dataset: await importDataset({ path: file, name }, { store: studio.store, dataDir }), dataDir };
}

const REVIEWS = [
  { sentence: 'a gripping, funny film', label: 1 },
  { sentence: 'dull and far too long', label: 0 },
  { sentence: 'the cast is superb', label: 1 },
  { sentence: 'I left early', label: 0 },
];
const SENTENCES = [
  { tokens: ['John', 'lives', 'in', 'Paris'], ner_tags: ['B-PER', 'O', 'O', 'B-LOC'] },
  { tokens: ['Mary', 'Smith', 'works', 'at', 'Acme'], ner_tags: ['B-PER', 'I-PER', 'O', 'O', 'B-ORG'] },
  { tokens: ['It', 'rained'], ner_tags: ['O', 'O'] },
];

const DIALOGUES = [
  { dialogue: '#Person1#: Is the ferry running?\n#Person2#: Every hour.', summary: 'Person2 says the ferry runs hourly.' },
  { dialogue: '#Person1#: Lunch?\n#Person2#: Sure.', summary: 'They agree to have lunch.' },
];
const INSTRUCTIONS = [
  { instruction: 'Name a colour.', input: '', output: 'Blue.' },
  { instruction: 'Continue the story.', input: 'Tom had a red ball.', output: 'He threw it high.' },
];
const QUESTIONS = [
  { context: 'The ferry leaves the pier every hour.', question: 'How often does the ferry leave?', answer: 'every hour' },
  { context: 'Lunch is served at noon.', question: 'When is lunch?', answer: 'at noon' },
];

/**
 * Formats that train on the evaluation's zero-shot prompt over the mapped columns: `format` is what the mapping
 * picks, every row's prompt is the one the evaluation builds, its completion the `answer` cell after a space, and
 * `prompts` spells out some rows' prompts (row index, prompt).
 */
interface ZeroShotCase {
  kind: string;
  test: string;
  name: string;
  rows: Record<string, unknown>[];
  format: SftFormat;
  answer: string;
  prompts: [number, string][];
}
const ZERO_SHOT_CASES: ZeroShotCase[] = [
  {
    kind: 'a classification dataset (text + label)', test: 'trains on the evaluation’s zero-shot prompt for the row, the label cell as its completion',
    name: 'reviews', rows: REVIEWS, format: 'classification', answer: 'label',
    prompts: [[0, 'Answer with one of: 0, 1.\n\nSentence:\na gripping, funny film\nLabel:']],
  },
  {
    kind: 'a summary dataset (input + target)', test: 'trains on the evaluation’s zero-shot prompt for the row, the summary as its completion',
    name: 'dialogues', rows: DIALOGUES, format: 'summary', answer: 'summary',
    prompts: [[1, 'Summarize the dialogue in one sentence.\n\nDialogue:\n#Person1#: Lunch?\n#Person2#: Sure.\nSummary:']],
  },
  {
    kind: 'an instruction dataset (Alpaca: instruction + input + output)', test: 'trains on the evaluation’s zero-shot prompt, the input block only where a row has one, the output as its completion',
    name: 'instructions', rows: INSTRUCTIONS, format: 'instruction', answer: 'output',
    prompts: [[0, 'Instruction:\nName a colour.\nOutput:'], [1, 'Instruction:\nContinue the story.\n\nInput:\nTom had a red ball.\nOutput:']],
  },
  {
    kind: 'a question-answering dataset (question + context + answer)', test: 'trains on the evaluation’s zero-shot prompt, the passage before the question, the answer as its completion',
    name: 'questions', rows: QUESTIONS, format: 'qa', answer: 'answer',
    prompts: [[1, 'Context:\nLunch is served at noon.\n\nQuestion:\nWhen is lunch?\nAnswer:']],
  },
];

describe.each(ZERO_SHOT_CASES)('$kind', ({ test, name, rows, format, answer, prompts }) => {
  it(test, async () => {
    const { dataset, dataDir } = await imported(name, rows);
    expect(detectFormat(dataset, 'auto')).toBe(format);
    const prompter = examplePrompter(format, dataset, dataDir);
    const template = defaultTemplate(dataDir, dataset, inputColumnOf(dataset), referenceColumnsOf(dataset)[0]);
    for (const row of rows) {
      const { prompt, completion } = prompter(row, 'train:0', chars);
      expect(prompt).toBe(buildPrompt(template, row, { shots: 0, pool: [] }));
      expect(completion).toBe(` ${String(row[answer])}`);
    }
    for (const [i, expected] of prompts) expect(prompter(rows[i], 'train:0', chars).prompt).toBe(expected);
  });
});

describe('a classification dataset’s mapping and labels', () => {
  it('maps the sentence as text and the label as label, and a string label is the completion as written', async () => {
    const { dataset, dataDir } = await imported('reviews', REVIEWS);
    expect(dataset.mapping).toEqual({ text: 'sentence', label: 'label' });
    const prompter = examplePrompter('classification', dataset, dataDir);
    expect(prompter({ sentence: 'fine', label: 'positive' }, 'train:0', chars)).toEqual({ prompt: 'Answer with one of: 0, 1.\n\nSentence:\nfine\nLabel:', completion: ' positive' });
  });

  it('names the labels of every row, sorted, for training, evaluation and the Evaluate page alike; past 20 labels none', async () => {
    const named = await imported('moods', ['positive', 'negative', 'neutral', 'negative'].map((label, i) => ({ sentence: `s${i}`, label })));
    const template = defaultTemplate(named.dataDir, named.dataset, inputColumnOf(named.dataset), referenceColumnsOf(named.dataset)[0]);
    expect(template.instruction).toBe('Answer with one of: negative, neutral, positive.');
    expect(examplePrompter('classification', named.dataset, named.dataDir)({ sentence: 'ok', label: 'neutral' }, 'train:0', chars).prompt)
      .toBe('Answer with one of: negative, neutral, positive.\n\nSentence:\nok\nLabel:');
    expect(templateFromMapping(named.dataset, promptLabelsOf(named.dataDir, named.dataset))).toEqual(template);
    expect(namedLabels(['10', '2', '1'])).toEqual(['1', '2', '10']);
    const many = await imported('topics', Array.from({ length: 21 }, (_, i) => ({ sentence: `s${i}`, label: `topic ${i}` })));
    expect(promptLabelsOf(many.dataDir, many.dataset)).toEqual([]);
    expect(defaultTemplate(many.dataDir, many.dataset, 'sentence', 'label').instruction).toBeUndefined();
  });

  it('scans a dataset for its labels once: the rows are written at import and never change', async () => {
    const { dataset, dataDir } = await imported('moods-once', ['calm', 'angry'].map((label, i) => ({ sentence: `s${i}`, label })));
    expect(promptLabelsOf(dataDir, dataset)).toEqual(['angry', 'calm']);
    const rows = path.join(datasetDir(dataDir, dataset.id), 'rows.jsonl');
    fs.renameSync(rows, `${rows}.away`); // a second scan would fail to open it
    expect(promptLabelsOf(dataDir, dataset)).toEqual(['angry', 'calm']);
    expect(() => promptLabelsOf(dataDir, { ...dataset, mapping: { ...dataset.mapping, label: 'sentence' } })).toThrow(/rows\.jsonl/); // another column is scanned anew
  });
});

describe('an NER dataset (tokens + tags)', () => {
  it('trains on the evaluation’s NER zero-shot prompt naming the tag set, the tags joined by spaces as its completion', async () => {
    const { dataset, dataDir } = await imported('people', SENTENCES);
    expect(detectFormat(dataset, 'auto')).toBe('tagging');
    const prompter = examplePrompter('tagging', dataset, dataDir);
    const ner = nerColumnsOf(dataset, null, ['entity_f1'], {})!;
    const template = nerPromptTemplate(ner, tagSetOf(dataDir, dataset, ner.tags));
    const view = nerRowView(dataset, ner);
    SENTENCES.forEach((row, i) => {
      const { prompt, completion } = prompter(row, `train:${i}`, chars);
      expect(prompt).toBe(buildPrompt(template, view(row, `train:${i}`), { shots: 0, pool: [] }));
      expect(completion).toBe(` ${row.ner_tags.join(' ')}`);
    });
    expect(prompter(SENTENCES[0], 'train:0', chars).prompt).toBe([
      'Tag each token with one of these tags: B-LOC B-ORG B-PER I-PER O. Write one tag per token, in order, separated by spaces.',
      'Tokens: John lives in Paris\nTags:',
    ].join('\n\n'));
  });

  it('refuses class-id tags naming the column, and a row whose counts differ naming the row, in the evaluation’s words', async () => {
    const ids = await imported('ids', [{ tokens: ['EU', 'rejects'], ner_tags: [3, 0] }, { tokens: ['Hi'], ner_tags: [0] }]);
    expect(() => examplePrompter('tagging', ids.dataset, ids.dataDir)).toThrow(/^dataset ids: column 'ner_tags' holds numbers \(class ids such as 3, in example all:0\), not tag names/);
    const { dataset, dataDir } = await imported('people', SENTENCES);
    expect(() => examplePrompter('tagging', dataset, dataDir)({ tokens: ['EU', 'rejects'], ner_tags: ['B-ORG'] }, 'train:2', chars))
      .toThrow("example train:2 of dataset people has 2 tokens in column 'tokens' but 1 tags in column 'ner_tags'; each token needs exactly one tag: fix the row or leave it out");
  });
});

describe('the space between the answer prefix and the answer', () => {
  it('goes where the whole text’s tokens put it: in the completion for a character or byte-level tokenizer, in the tokenizer’s own ▁ for SentencePiece', () => {
    expect(promptThenAnswer('Label:', '1', chars)).toEqual({ prompt: 'Label:', completion: ' 1' });
    const spm = promptThenAnswer('the tags:', 'on at', sentencePiece);
    expect(spm).toEqual({ prompt: 'the tags:', completion: 'on at' });
    const encode = (t: string) => sentencePiece.encode(t, { addSpecialTokens: false });
    expect([...encode(spm.prompt), ...encode(spm.completion)]).toEqual(encode('the tags: on at'));
    expect(promptThenAnswer('Label:', '', chars).completion).toBe('');
  });
});

describe('the format a mapping picks', () => {
  const picked = (columns: string[], mapping = suggestMapping(columns)) => detectFormat({ name: 'd', columns, mapping } as unknown as Dataset, 'auto');

  it('is unchanged for instruction, dialogue, Q&A, chat and plain-text datasets', () => {
    expect(picked(['instruction', 'input', 'output'])).toBe('instruction'); // Alpaca
    expect(picked(['fname', 'dialogue', 'summary', 'topic'])).toBe('summary'); // DialogSum
    expect(picked(['question', 'context', 'answers'])).toBe('qa'); // SQuAD
    expect(picked(['question', 'answer'])).toBe('qa');
    expect(picked(['messages'])).toBe('chat');
    expect(picked(['text'], {})).toBe('text');
  });

  it('is classification for text + label (SST-2) and tagging for tokens + tags (CoNLL), or as asked', () => {
    expect(picked(['sentence', 'label'])).toBe('classification');
    expect(picked(['id', 'tokens', 'ner_tags'])).toBe('tagging');
    const dialogues = { name: 'd', columns: ['dialogue', 'summary'], mapping: { input: 'dialogue', target: 'summary' } } as unknown as Dataset;
    expect(() => detectFormat(dialogues, 'classification')).toThrow("dataset d: format 'classification' needs the mapping fields text, label");
    expect(() => detectFormat(dialogues, 'tagging')).toThrow(/format 'tagging' needs the mapping fields tokens, tags .*--tokens-column C --tags-column C/);
    expect(() => picked(['a', 'b'], {})).toThrow(/fits no training format; map .*text\/label, tokens\/tags or text/);
  });
});
