// React access to the Studio API: the connected client, a small query hook that reloads on demand, and an
// event subscription hook. No cache library: each page asks for what it shows and reloads on events.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodName, Params, Result, StudioEvent } from '../../../native/api/contract.ts';
import type { Studio } from '../api/transport.ts';
import { answered, failed, queryKey, shownAnswer, type QueryAnswer } from './queryAnswer.ts';

const StudioContext = createContext<Studio | null>(null);

export function StudioProvider({ studio, children }: { studio: Studio; children: ReactNode }) {
  return <StudioContext.Provider value={studio}>{children}</StudioContext.Provider>;
}

export function useStudio(): Studio {
  const studio = useContext(StudioContext);
  if (!studio) throw new Error('useStudio() needs a <StudioProvider> above it');
  return studio;
}

export interface Query<T> {
  data: T | undefined;
  error: Error | null;
  /**
   * True while `data` is the answer to other params than the current ones (they changed and their answer has not
   * come, or failed). A form must not submit values derived from stale data, and a view shows it as loading.
   */
  stale: boolean;
  /** Stale and the current params' answer still awaited (not failed): what a view marks busy (aria-busy). */
  pending: boolean;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls `method` with `params` (skipped while params is null) and again whenever the params change or reload() runs.
 * While new params load, the last answer stays on screen (no flicker) with `stale` true, saying it belongs to the
 * params before: whatever is submitted from it waits (its button grey, its shortcut doing nothing) and whatever shows
 * it is marked as loading (aria-busy, dimmed), until the answer to the current params comes. An error belongs to the
 * params it was met with: it is not shown for others. The rule is queryAnswer.ts's shownAnswer. Answers never cross
 * projects, because pages remount per project (App.tsx).
 */
export function useQuery<M extends MethodName>(method: M, params: Params<M> | null): Query<Result<M>> {
  const studio = useStudio();
  const [answer, setAnswer] = useState<QueryAnswer<Result<M>> | null>(null);
  const [loading, setLoading] = useState(params !== null);
  const [generation, setGeneration] = useState(0);
  const key = params === null ? null : queryKey(method, params);

  useEffect(() => {
    if (key === null) {
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    studio.call(method, JSON.parse(key.slice(method.length + 1)) as Params<M>).then(
      (result) => {
        if (!current) return;
        setAnswer(answered(key, result));
        setLoading(false);
      },
      (err: Error) => {
        if (!current) return;
        setAnswer((last) => failed(last, key, err));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [studio, method, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...shownAnswer(answer, key), loading, reload };
}

/** Runs `listener` for every engine event while the component is mounted. */
export function useStudioEvents(listener: (event: StudioEvent) => void): void {
  const studio = useStudio();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => studio.listen((event) => latest.current(event)), [studio]);
}
