// `lathe reward score --text` as a person reads it: once a bare line of label/number pairs ('0 0.2119  1 0.4339  a
// great film') that named neither what the numbers were nor which label the classifier chose.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { promptsOfTexts, scoredTextsTable } from '../../native/cli/reward.ts';
import { UserError } from '../../native/cli/command.ts';
import { Llama2cTokenizer } from '../../native/text/llama2c-tokenizer.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { pairwiseRewardIds, promptCellText, tokenizePair } from '../../native/train/preference-examples.ts';
import { classifiedIds } from '../../native/train/reward.ts';
import { completionIds } from '../../native/train/reward-score.ts';

const TOK = '../shared/data/models/stories260K/tok512.bin';
const missing = !fs.existsSync(TOK) ? `${TOK} is absent (the shared data kit is not mounted)` : '';
if (missing) console.log(`skipping the stories260K tokenizer tests of reward-score-table: ${missing}`);

describe('reward score --text, printed', () => {
  it("names each column for a classifier: the predicted label, its probability, and every label's logit", () => {
    const out = scoredTextsTable(['a great film', 'a dull film'], { labels: ['0', '1'], scores: [[0.2119, 0.4339], [1.5, -0.5]] });
    const [header, great, dull, note] = out.split('\n');
    expect(header.trim().split(/\s{2,}/)).toEqual(['PREDICTED', 'P', 'LOGIT 0', 'LOGIT 1', 'TEXT']);
    // softmax: 1 / (1 + e^(0.2119 − 0.4339)) = 0.5553; 1 / (1 + e^(−0.5 − 1.5)) = 0.8808
    expect(great.trim().split(/\s{2,}/)).toEqual(['1', '0.5553', '0.2119', '0.4339', 'a great film']);
    expect(dull.trim().split(/\s{2,}/)).toEqual(['0', '0.8808', '1.5000', '-0.5000', 'a dull film']);
    expect(note).toMatch(/^P: the predicted label's probability/);
  });

  it('gives a pairwise reward model one reward column', () => {
    expect(scoredTextsTable(['hello'], { labels: ['reward'], scores: [[-1.25]] })).toBe(' REWARD  TEXT\n-1.2500  hello');
  });

  it('shows the prompt each text was scored after when --prompt was given (its line breaks as spaces)', () => {
    const out = scoredTextsTable([' Once upon a time', ' No.'], { labels: ['reward'], scores: [[1.5], [-0.25]] }, ['\n\nHuman: Tell me a story.\n\nAssistant:', '\n\nHuman: Tell me a story.\n\nAssistant:']);
    const [header, first, second] = out.split('\n');
    expect(header.trim().split(/\s{2,}/)).toEqual(['REWARD', 'PROMPT', 'TEXT']);
    expect(first.trim().split(/\s{2,}/)).toEqual(['1.5000', 'Human: Tell me a story. Assistant:', 'Once upon a time']);
    expect(second.split(/\s{2,}/)).toEqual(['-0.2500', 'Human: Tell me a story. Assistant:', 'No.']);
  });
});

describe('reward score --prompt: which prompt goes with which --text', () => {
  it('one --prompt is the prompt of every --text; as many as the texts pair in order; none, texts are scored whole', () => {
    expect(promptsOfTexts(['P'], ['a', 'b', 'c'])).toEqual(['P', 'P', 'P']);
    expect(promptsOfTexts(['P', 'Q'], ['a', 'b'])).toEqual(['P', 'Q']);
    expect(promptsOfTexts([], ['a', 'b'])).toBeNull();
  });

  it('refuses any other count, naming both flags and the counts', () => {
    expect(() => promptsOfTexts(['P', 'Q'], ['a', 'b', 'c'])).toThrow(UserError);
    expect(() => promptsOfTexts(['P', 'Q'], ['a', 'b', 'c'])).toThrow(/^got 2 --prompt and 3 --text: give one --prompt for every --text, or one --prompt per --text \(paired in order\)/);
    expect(() => promptsOfTexts(['P', 'Q', 'R'], ['a'])).toThrow(/^got 3 --prompt and 1 --text/);
  });
});

describe.skipIf(Boolean(missing))("reward score --prompt reads a pairwise run's input as its training pairs were built", () => {
  // read in beforeAll: a skipped describe's body still runs when the file is collected, and the kit may be absent
  let tok: TextTokenizer;
  let prompt: string;
  const pair = { prompt: [{ role: 'user' as const, content: 'Tell me a story.' }], chosen: 'Once upon a time', rejected: 'No.' };
  beforeAll(() => {
    const { tokenizer, tokenizerConfig } = new Llama2cTokenizer(new Uint8Array(fs.readFileSync(TOK)), 512, TOK).toTokenizerJson();
    tok = TextTokenizer.fromJson(tokenizer as Record<string, unknown>, tokenizerConfig as Record<string, unknown>, null);
    prompt = promptCellText(pair.prompt, tok);
  });

  it("the prompt and the text tokenized apart and joined (pairwiseRewardIds), as the pair's sides were: not the whole text's tokens", () => {
    const opts = { seqLen: 64, maxPromptLen: 32, promptLenCountsBos: true };
    const ids = completionIds([prompt, prompt], [' Once upon a time', ' No.'], tok, opts);
    const trained = tokenizePair(pair, tok, { ...opts, endId: null, keepEnd: true }).example;
    expect(ids).toEqual([trained.chosen.ids, trained.rejected.ids]);
    expect(ids[0]).toEqual(pairwiseRewardIds(prompt, ' Once upon a time', tok, opts));
    // what `reward score --text` reads of the same words as one text: the tokens at the join ':' + ' Once' differ
    expect(classifiedIds(`${prompt} Once upon a time`, tok, 64)).not.toEqual(ids[0]);
  });

  it("the prompt is cut to the run's maxPromptLen (its BOS and end kept), the whole to its seqLen", () => {
    const long = { ...pair, prompt: [{ role: 'user' as const, content: 'Once upon a time there was a little girl named Lily who loved to play outside. '.repeat(4) }] };
    const opts = { seqLen: 40, maxPromptLen: 16, promptLenCountsBos: true };
    const cut = tokenizePair(long, tok, { ...opts, endId: null, keepEnd: true });
    expect(cut.promptTruncated).toBe(true);
    expect(completionIds([promptCellText(long.prompt, tok)], [' Once upon a time'], tok, opts)).toEqual([cut.example.chosen.ids]);
  });
});

describe('reward score --dataset, progress on stderr', () => {
  it('says how far it has got every 2 s and at the end, with the time left once the pace is known', async () => {
    const { scoringProgress } = await import('../../native/cli/reward.ts');
    const lines: string[] = [];
    let clock = 0;
    const progress = scoringProgress({ info: (l) => lines.push(l) }, 'scoring', 'example', () => clock);
    progress(16, 872, null); // the first batch: no pace yet
    clock = 500;
    progress(32, 872, 26); // within 2 s of the last line: not said
    clock = 2500;
    progress(48, 872, 25);
    clock = 2600;
    progress(872, 872, 0); // the end is always said
    expect(lines).toEqual(['scoring: 16/872 examples', 'scoring: 48/872 examples, about 25s left', 'scoring: 872/872 examples']);
  });
});
