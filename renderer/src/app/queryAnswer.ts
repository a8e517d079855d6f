// What useQuery shows for the params asked now, from the last answer it holds (one source of truth for `stale`):
// the data stays on screen while other params load, flagged stale, and an error is shown only for the params it was
// met with. Kept apart from the hook so that the rule is tested without a browser (tests/unit/query-answer.test.ts).

/** The last answer: `dataKey` names the params its data answered, `key` those its error (or data) came with. */
export interface QueryAnswer<T> {
  key: string;
  data?: T;
  dataKey?: string;
  error: Error | null;
}

/** The key a call is known by: its method and params. */
export const queryKey = (method: string, params: unknown): string => `${method} ${JSON.stringify(params)}`;

/** A success for `key`: its data answers `key`. */
export const answered = <T>(key: string, data: T): QueryAnswer<T> => ({ key, data, dataKey: key, error: null });

/** A failure for `key`: the last data stays, still naming the params it answered. */
export const failed = <T>(last: QueryAnswer<T> | null, key: string, error: Error): QueryAnswer<T> => ({ key, data: last?.data, dataKey: last?.dataKey, error });

/**
 * The data, error and staleness shown while `key` is asked (null: nothing asked). `stale` is true when there is data
 * and it answers other params than `key` (the params changed and their answer has not come, or met an error); a
 * reload of the same params is not stale, its data answering them until the new answer replaces it. `pending`: stale
 * and the current params' answer still awaited — what a view marks busy (aria-busy); after an error it is not, the
 * error is shown instead, while a form still does not submit the stale data.
 */
export function shownAnswer<T>(answer: QueryAnswer<T> | null, key: string | null): { data: T | undefined; error: Error | null; stale: boolean; pending: boolean } {
  if (key === null || answer === null) return { data: undefined, error: null, stale: false, pending: false };
  const error = answer.key === key ? answer.error : null;
  const stale = answer.data !== undefined && answer.dataKey !== key;
  return { data: answer.data, error, stale, pending: stale && error === null };
}
