// PPO's rollout table reads like the before / after card: each prompt a row header across the table, its completion,
// score and KL under it (a 32% Prompt column beside the completion wrapped it to a few words a line), and the
// completion shown without the space the tokenizer put at its start, which set it one character right of the prompt.
// Only the display changes: the rollout keeps its text.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { RolloutRow } from '../../native/api/align.ts';
import { RolloutRows } from '../../renderer/src/pages/align/PpoRunParts.tsx';

const rows: RolloutRow[] = [
  { prompt: 'Once upon a time, there was a little boy named Jack. He', completion: ' loved to play with his toy', score: 0.722, kl: 0.012, tokens: 7 },
  { prompt: 'It was a sunny day.', completion: '\n  ', score: -0.381, kl: 0, tokens: 2 },
  { prompt: 'Anna went out.', completion: '', score: 0.1, kl: 0, tokens: 0 },
];
const markup = () => renderToStaticMarkup(createElement(RolloutRows, { rows, testId: 'rollout-table' }));
const cells = (html: string, testId: string) => [...html.matchAll(new RegExp(`<t[dh][^>]*data-testid="${testId}"[^>]*>(.*?)</t[dh]>`, 'g'))].map((m) => m[1]);

describe('the PPO rollout table', () => {
  it('heads each rollout with its prompt across the table, then its completion, score and KL', () => {
    const html = markup();
    expect([...html.matchAll(/<thead>.*?<\/thead>/g)][0][0].match(/<th(?:\s[^>]*)?>[^<]*/g)!.map((th) => th.replace(/<th[^>]*>/, ''))).toEqual(['Completion', 'Score', 'KL']);
    expect(html).toMatch(/<th scope="rowgroup" colSpan="3" data-testid="rollout-prompt"><span class="visually-hidden">Prompt: <\/span>Once upon a time, there was a little boy named Jack. He<\/th>/);
    expect(html).not.toContain('al-rollout-prompt');
    expect(cells(html, 'rollout-score')).toEqual(['0.722', '−0.381', '0.100']);
  });

  it('shows a completion without the tokenizer’s leading space; one of white space alone, or none, says so', () => {
    expect(cells(markup(), 'rollout-completion')).toEqual([
      'loved to play with his toy',
      '<span class="faint">(white space only)</span>',
      '<span class="faint">(nothing: end of text at once)</span>',
    ]);
    expect(rows[0].completion).toBe(' loved to play with his toy'); // the data as they were
  });
});
