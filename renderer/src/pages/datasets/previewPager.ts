// The dataset preview's pager, counted from the rows on screen, never from the page asked for: that one may still be
// loading or have failed, and its counts then described rows nobody saw ("Rows 21–30" over rows 11–20, Previous
// going to the page shown). Kept apart from RowsPreview so that the rule is tested without a browser
// (tests/unit/preview-pager.test.ts).
import { formatCount } from '../../domain/format.ts';

export const PAGE_SIZE = 10;
export type Split = 'all' | 'train' | 'validation' | 'test';

/** A page of one split: the rows from `offset`, PAGE_SIZE of them. */
export interface PreviewPage {
  split: Split;
  offset: number;
}

/** What the pager says, and the offsets Previous and Next go to (null: the button is grey). */
export interface Pager {
  text: string;
  previous: number | null;
  next: number | null;
}

/**
 * The pager for the rows on screen: `shown` is their offset and their split's total (null when no rows have come).
 * `asking`: 'loading' while another page's rows are awaited (no move then: the rows shown are about to go),
 * 'failed' when the page asked for could not be read (the rows shown stay, and so do their counts and moves).
 */
export function pagerOf(shown: { offset: number; total: number } | null, asking: 'done' | 'loading' | 'failed'): Pager {
  const still = { previous: null, next: null };
  if (asking === 'loading') return { text: 'Loading…', ...still };
  if (shown === null) return { text: asking === 'failed' ? 'No rows shown' : 'Loading…', ...still };
  const { offset, total } = shown;
  if (total === 0) return { text: 'No rows in this split', ...still };
  return {
    text: `Rows ${formatCount(offset + 1)}–${formatCount(Math.min(offset + PAGE_SIZE, total))} of ${formatCount(total)}`,
    previous: offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null,
    next: offset + PAGE_SIZE < total ? offset + PAGE_SIZE : null,
  };
}

/** The rows a failed page held, for its error: "rows 21–30", "rows 1–10 of the test split". */
export function pageRowsText({ split, offset }: PreviewPage): string {
  return `rows ${formatCount(offset + 1)}–${formatCount(offset + PAGE_SIZE)}${split === 'all' ? '' : ` of the ${split} split`}`;
}

export const samePage = (a: PreviewPage, b: PreviewPage): boolean => a.split === b.split && a.offset === b.offset;
