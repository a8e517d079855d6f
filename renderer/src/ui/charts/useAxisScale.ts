// Whether a kind of chart (the loss, wherever it is drawn) reads on a linear or a log y axis. Kept per machine as
// the theme is (app/theme.ts), under one key per kind, so every loss chart follows the choice made on any of them:
// those on screen at once through an event, those drawn later through the stored value.
import { useEffect, useState } from 'react';

export type AxisScale = 'linear' | 'log';

const keyOf = (kind: string) => `lathe.chart-scale.${kind}`;
const CHANGED = 'lathe:chart-scale';

export function storedAxisScale(kind: string): AxisScale {
  return window.localStorage.getItem(keyOf(kind)) === 'log' ? 'log' : 'linear';
}

/** The kind's scale and its setter; without a kind, linear and nothing to set. */
export function useAxisScale(kind: string | undefined): [AxisScale, (next: AxisScale) => void] {
  const [scale, setScale] = useState<AxisScale>(() => (kind ? storedAxisScale(kind) : 'linear'));
  useEffect(() => {
    if (!kind) return;
    setScale(storedAxisScale(kind)); // the kind may have changed (Compare's metric picker)
    const follow = (e: Event) => {
      if ((e as CustomEvent<string>).detail === kind) setScale(storedAxisScale(kind));
    };
    window.addEventListener(CHANGED, follow);
    return () => window.removeEventListener(CHANGED, follow);
  }, [kind]);
  return [
    scale,
    (next) => {
      if (!kind) return;
      window.localStorage.setItem(keyOf(kind), next);
      window.dispatchEvent(new CustomEvent(CHANGED, { detail: kind }));
    },
  ];
}
