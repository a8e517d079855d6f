// `lathe reward score --text` as a person reads it: once a bare line of label/number pairs ('0 0.2119  1 0.4339  a
// great film') that named neither what the numbers were nor which label the classifier chose.
import { describe, expect, it } from 'vitest';
import { scoredTextsTable } from '../../native/cli/reward.ts';

describe('reward score --text, printed', () => {
  it("names each column for a classifier: the predicted label, its probability, and every label's logit", () => {
    const out = scoredTextsTable(['a great film', 'a dull film'], { labels: ['0', '1'], scores: [[0.2119, 0.4339], [1.5, -0.5]] });
    const [header, great, dull, note] = out.split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['predicted', 'p', 'logit 0', 'logit 1', 'text']);
    // softmax: 1 / (1 + e^(0.2119 − 0.4339)) = 0.5553; 1 / (1 + e^(−0.5 − 1.5)) = 0.8808
    expect(great.split(/\s{2,}/)).toEqual(['1', '0.5553', '0.2119', '0.4339', 'a great film']);
    expect(dull.split(/\s{2,}/)).toEqual(['0', '0.8808', '1.5000', '-0.5000', 'a dull film']);
    expect(note).toMatch(/^p: the predicted label's probability/);
  });

  it('gives a pairwise reward model one reward column', () => {
    expect(scoredTextsTable(['hello'], { labels: ['reward'], scores: [[-1.25]] })).toBe('reward   text\n-1.2500  hello');
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
