// A progress report called once per batch, passed on at most once per interval: a whole-split measurement reports at
// fraction 1, which the CLI prints every time (its own once-a-second limit stops at the last step), so 190 batches
// printed 190 lines.

/** `report`, called at most once every `ms` milliseconds; calls in between are dropped. */
export function atMostEvery<A extends unknown[]>(ms: number, report: (...args: A) => void, now: () => number = Date.now): (...args: A) => void {
  let last = -Infinity;
  return (...args: A) => {
    const t = now();
    if (t - last < ms) return;
    last = t;
    report(...args);
  };
}
