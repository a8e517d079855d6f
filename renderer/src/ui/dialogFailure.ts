// What a page says where the user clicked when the desktop's path dialog does not open: main refused the options
// (electron/pick-path.ts) or the dialog itself failed. One wording for every Browse…/Choose… button.
import type { PickKind } from '../../../native/api/pick-path.ts';
import { errorMessage } from '../api/errors.ts';

/** "The file dialog did not open: <why>." and, where the page has another way in, what to do instead. */
export function dialogFailure(err: unknown, kind: PickKind = 'file', instead?: string): string {
  const why = `The ${kind === 'folder' ? 'folder' : 'file'} dialog did not open: ${errorMessage(err).replace(/\.?$/, '.')}`;
  return instead ? `${why} ${instead}` : why;
}
