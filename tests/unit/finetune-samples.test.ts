// A fine-tune run's before / after samples as its page shows them: the text trimmed of the space a continuation
// starts with, "…" only where the run recorded that the token limit cut it, and each example one unit (its prompt,
// then Before / After / Reference under the same kind of heading). What is stored stays as the model wrote it.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SamplesCard } from '../../renderer/src/pages/finetune/RunDetails.tsx';
import { promptLines, sampleNote, samplesRecordCuts, sampleText } from '../../renderer/src/pages/finetune/sampleText.ts';

describe('a sample’s text', () => {
  it('is trimmed, and marked cut only when the run says so', () => {
    expect(sampleText(' Ben said, "My ball is little!" The end.\n', false)).toBe('Ben said, "My ball is little!" The end.');
    expect(sampleText(' "It\'s a shiny toy!"\n"It\'s', true)).toBe('"It\'s a shiny toy!"\n"It\'s…');
    expect(sampleText(' He ran to the ', true)).toBe('He ran to the …');
    expect(sampleText(' He ran to the', undefined)).toBe('He ran to the'); // a run that did not record it: no guess
    expect(sampleText(' \n ', true)).toBe(''); // no lone "…": the note says what there is
  });

  it('says what a sample with no words holds, claiming only what the run recorded', () => {
    expect(sampleNote(' He ran', undefined)).toBeNull();
    expect(sampleNote('', false)).toBe('(nothing: it ended at once)');
    expect(sampleNote('', undefined)).toBe('(nothing)'); // an old run did not record why
    expect(sampleNote(' \n', undefined)).toBe('(only spaces or line breaks)');
    expect(sampleNote(' \n', false)).toBe('(only spaces or line breaks)');
    expect(sampleNote('\n\n\n', true)).toBe('(only spaces or line breaks, up to the token limit)');
  });

  it('explains "…" only for runs that record where the token limit cut', () => {
    expect(samplesRecordCuts([{ beforeCut: true, afterCut: false }])).toBe(true);
    expect(samplesRecordCuts([{}, { afterCut: false }])).toBe(true);
    expect(samplesRecordCuts([{}, {}])).toBe(false);
  });

  it('marks a template’s field headings apart from their content, which then space its parts', () => {
    expect(promptLines('Instruction:\nContinue the story.\n\nInput:\nBen had a little ball.\nOutput:')).toEqual([
      { text: 'Instruction:', heading: true }, { text: 'Continue the story.', heading: false },
      { text: 'Input:', heading: true }, { text: 'Ben had a little ball.', heading: false }, { text: 'Output:', heading: true },
    ]);
    expect(promptLines('He said: no.').every((l) => !l.heading)).toBe(true);
    expect(promptLines('One.\n\nTwo.').map((l) => l.text)).toEqual(['One.', '', 'Two.']); // no headings: its paragraphs kept
  });
});

describe('the Before and after card', () => {
  const samples = [
    { prompt: 'Instruction:\nContinue the story.\n\nInput:\nBen had a little ball.\nOutput:', before: ' "I\'m sorry."\n"', after: ' Ben said, "My ball is little!" The end.', reference: 'Ben said, "My ball is little!" The end.', beforeCut: true, afterCut: false },
    { prompt: 'Lily saw a dog.', before: null, after: ' She ran', reference: null },
  ];

  it('groups each example’s prompt, Before, After and Reference in one unit', () => {
    const html = renderToStaticMarkup(createElement(SamplesCard, { samples, finished: true }));
    const units = html.split('data-testid="sample"').slice(1);
    expect(units).toHaveLength(2);
    expect(units[0]).toContain('Example 1 · prompt');
    expect([...units[0].matchAll(/class="ft-sample-label">([^<]*)</g)].map((m) => m[1])).toEqual(['Example 1 · prompt', 'Before', 'After', 'Reference']);
    expect(units[0]).toContain('data-testid="sample-before" title="Cut at the token limit">&quot;I&#x27;m sorry.&quot;\n&quot;…</p>');
    expect(units[0]).toContain('data-testid="sample-after">Ben said');
    expect(units[1]).not.toContain('Reference');
    expect(units[1]).toContain('data-testid="sample-after">She ran</p>');
    expect(html).not.toContain('<pre');
    expect(html).toContain('“…” marks text cut at the token limit.');
  });

  it('does not explain "…" nor say a whitespace sample ended at once for an old run that recorded neither', () => {
    const old = [{ prompt: 'Lily saw a dog.', before: ' \n\n', after: '', reference: null }];
    const html = renderToStaticMarkup(createElement(SamplesCard, { samples: old, finished: true }));
    expect(html).not.toContain('token limit');
    expect(html).not.toContain('ended at once');
    expect(html).toContain('data-testid="sample-before"><span class="faint">(only spaces or line breaks)</span></p>');
    expect(html).toContain('data-testid="sample-after"><span class="faint">(nothing)</span></p>');
  });
});
