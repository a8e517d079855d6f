// The dataset preview's pager (renderer/src/pages/datasets/previewPager.ts): counted from the rows on screen, not from
// the page asked for. After a page failed, "Rows 21–30" stood over rows 11–20 and Previous went to the page shown;
// tests/e2e/answer-order.test.ts drives the same in a browser.
import { describe, expect, it } from 'vitest';
import { pagerOf, pageRowsText, samePage } from '../../renderer/src/pages/datasets/previewPager.ts';

describe('the dataset preview pager', () => {
  it('counts the rows shown and moves a page either way from them', () => {
    expect(pagerOf({ offset: 10, total: 40 }, 'done')).toEqual({ text: 'Rows 11–20 of 40', previous: 0, next: 20 });
    expect(pagerOf({ offset: 0, total: 40 }, 'done')).toEqual({ text: 'Rows 1–10 of 40', previous: null, next: 10 });
    expect(pagerOf({ offset: 30, total: 35 }, 'done')).toEqual({ text: 'Rows 31–35 of 35', previous: 20, next: null });
  });

  it('keeps counting the rows shown when the page asked for failed, so that Next asks for it again', () => {
    expect(pagerOf({ offset: 10, total: 40 }, 'failed')).toEqual(pagerOf({ offset: 10, total: 40 }, 'done'));
  });

  it('makes no move while another page loads: the rows shown are about to go', () => {
    expect(pagerOf({ offset: 10, total: 40 }, 'loading')).toEqual({ text: 'Loading…', previous: null, next: null });
  });

  it('says when a split is empty, when nothing has come yet, and when nothing came at all', () => {
    expect(pagerOf({ offset: 0, total: 0 }, 'done')).toEqual({ text: 'No rows in this split', previous: null, next: null });
    expect(pagerOf(null, 'done').text).toBe('Loading…');
    expect(pagerOf(null, 'failed')).toEqual({ text: 'No rows shown', previous: null, next: null });
  });

  it('names the rows of a page that failed, with its split unless all', () => {
    expect(pageRowsText({ split: 'all', offset: 20 })).toBe('rows 21–30');
    expect(pageRowsText({ split: 'test', offset: 0 })).toBe('rows 1–10 of the test split');
  });

  it('tells the same page from another', () => {
    expect(samePage({ split: 'all', offset: 10 }, { split: 'all', offset: 10 })).toBe(true);
    expect(samePage({ split: 'all', offset: 10 }, { split: 'test', offset: 10 })).toBe(false);
  });
});
