// A training run's metrics as series by name: the history from runs.metrics, then every live run.metric event
// as it arrives (no polling). A resumed run re-records the steps after its checkpoint; the last value per step
// wins. Events come several per step, so re-renders are batched to a few per second.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStudio, useStudioEvents } from '../../app/StudioContext.tsx';

export interface MetricPoint { step: number; value: number }
export type RunMetrics = Record<string, MetricPoint[]>;

const FLUSH_MS = 150;
/**
 * The most points per series a page asks for: about as many as a chart is wide (it thins to its width again), far fewer
 * than a long run records (5 series × 2,000 steps was 1 MB of JSON). The engine keeps each bucket's min and max, so
 * the lowest loss, the last value and any spike are the recorded ones.
 */
export const CHART_POINTS = 500;

export function useRunMetrics(runId: string | null): { metrics: RunMetrics; lastStep: number; loaded: boolean } {
  const studio = useStudio();
  const store = useRef(new Map<string, Map<number, number>>());
  const [version, setVersion] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      setVersion((v) => v + 1);
    }, FLUSH_MS);
  };

  useEffect(() => {
    store.current = new Map();
    setLoaded(false);
    setVersion((v) => v + 1);
    if (!runId) return;
    let current = true;
    studio.call('runs.metrics', { id: runId, maxPoints: CHART_POINTS }).then((rows) => {
      if (!current) return;
      for (const row of rows) {
        const series = store.current.get(row.name) ?? new Map<number, number>();
        series.set(row.step, row.value); // rows come in order: a repeated step keeps its last value
        store.current.set(row.name, series);
      }
      setLoaded(true);
      schedule();
    }, () => current && setLoaded(true));
    return () => {
      current = false;
    };
  }, [studio, runId]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  useStudioEvents((event) => {
    if (event.type !== 'run.metric' || event.payload.runId !== runId) return;
    const { name, step, value } = event.payload;
    const series = store.current.get(name) ?? new Map<number, number>();
    series.set(step, value);
    store.current.set(name, series);
    schedule();
  });

  return useMemo(() => {
    const metrics: RunMetrics = {};
    let lastStep = 0;
    for (const [name, series] of store.current) {
      metrics[name] = [...series].map(([step, value]) => ({ step, value })).sort((a, b) => a.step - b.step);
      if (name === 'loss') lastStep = Math.max(lastStep, metrics[name].at(-1)?.step ?? 0);
    }
    return { metrics, lastStep, loaded };
  }, [version, loaded]); // the map is mutable: `version` says when it changed
}

export const lastValue = (points: MetricPoint[] | undefined): number | null => points?.at(-1)?.value ?? null;
export const minValue = (points: MetricPoint[] | undefined): number | null => (points?.length ? Math.min(...points.map((p) => p.value)) : null);
