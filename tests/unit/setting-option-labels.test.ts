// A setting that is a choice reads as its picker does: the picker shows each option's label ("Cosine decay",
// "Sigmoid (standard DPO)"), so the button back to the default names that label, not the raw value ("cosine"), and
// the explanation beside it speaks of the options by the names the picker shows (it said "scale: …; norm: …").
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DPO_LOSS_LABELS } from '../../native/api/labels.ts';
import { SCHEDULE_LABELS, SCHEDULES } from '../../native/api/train.ts';
import { ALIGN_SETTINGS } from '../../renderer/src/pages/align/alignForm.ts';
import { SettingField } from '../../renderer/src/pages/finetune/SettingFields.tsx';

const resetButton = (html: string) => html.match(/<button type="button" class="ft-reset">([^<]*)<\/button>/)?.[1];

describe('a choice setting', () => {
  it('names its default on the reset button as the picker shows it', () => {
    const schedule = renderToStaticMarkup(createElement(SettingField, { label: 'Schedule', explanation: 'How the learning rate changes over the run.', typed: 'linear', fallback: 'cosine', options: SCHEDULES, optionLabels: SCHEDULE_LABELS, onChange: () => undefined }));
    expect(resetButton(schedule)).toBe('Default: Cosine decay');
    const loss = ALIGN_SETTINGS.find((s) => s.key === 'loss')!;
    const dpo = renderToStaticMarkup(createElement(SettingField, { label: loss.label, explanation: loss.explanation, typed: 'ipo', fallback: 'sigmoid', options: loss.options, optionLabels: DPO_LOSS_LABELS, onChange: () => undefined }));
    expect(resetButton(dpo)).toBe('Default: Sigmoid (standard DPO)');
  });

  it('names a number’s default as it is, and the engine’s choice by its words', () => {
    const typed = (t: string, fallback: string) => resetButton(renderToStaticMarkup(createElement(SettingField, { label: 'Seed', explanation: 'x', typed: t, fallback, auto: 'all cores', onChange: () => undefined })));
    expect(typed('7', '42')).toBe('Default: 42');
    expect(typed('2', '')).toBe('Default: all cores');
  });

  it('explains its options by the labels the picker shows, not by their raw values', () => {
    const choices = ALIGN_SETTINGS.filter((s) => s.options && s.optionLabels);
    expect(choices.map((s) => s.key)).toEqual(['loss', 'objective', 'scoreScaling']);
    for (const s of choices) {
      for (const o of s.options!) {
        const head = s.optionLabels![o].replace(/ \(.*$/, '');
        expect(s.explanation, `${s.key}: the option shown as “${s.optionLabels![o]}”`).toContain(head);
        if (head !== o) expect(s.explanation, `${s.key}: the raw value ${o}`).not.toMatch(new RegExp(`(^|; )${o}:`));
      }
    }
  });
});
