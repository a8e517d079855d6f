// React access to the Studio API: the connected client, a small query hook that reloads on demand, and an
// event subscription hook. No cache library: each page asks for what it shows and reloads on events.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodName, Params, Result, StudioEvent } from '../../../native/api/contract.ts';
import type { Studio } from '../api/transport.ts';

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
  loading: boolean;
  reload: () => void;
}

/** Calls `method` with `params` (skipped while params is null) and again whenever the params change or reload() runs. */
export function useQuery<M extends MethodName>(method: M, params: Params<M> | null): Query<Result<M>> {
  const studio = useStudio();
  const [data, setData] = useState<Result<M>>();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(params !== null);
  const [generation, setGeneration] = useState(0);
  const key = params === null ? null : JSON.stringify(params);

  useEffect(() => {
    if (key === null) {
      setData(undefined);
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    studio.call(method, JSON.parse(key) as Params<M>).then(
      (result) => {
        if (!current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (err: Error) => {
        if (!current) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [studio, method, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

/** Runs `listener` for every engine event while the component is mounted. */
export function useStudioEvents(listener: (event: StudioEvent) => void): void {
  const studio = useStudio();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => studio.listen((event) => latest.current(event)), [studio]);
}
