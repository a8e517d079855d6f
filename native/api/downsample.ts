// Thinning a long series for a chart without hiding what matters in it: the first and last points, and in each
// of the buckets between them the lowest and the highest point. Evenly spaced picks (every k-th point) would drop
// a loss spike or the best step; min/max per bucket keeps both, so a curve drawn from the result has the same
// envelope as the full series. Shared by runs.metrics (the engine thins before sending) and the renderer's charts.

/** At most `max` points of `points` (kept in their order): the ends, then each bucket's min and max by `value`. */
export function downsampleMinMax<T>(points: readonly T[], max: number, value: (p: T) => number): T[] {
  const n = points.length;
  if (n <= max || max < 4) return n <= max ? [...points] : [points[0], points[n - 1]];
  const buckets = Math.floor((max - 2) / 2);
  const inner = n - 2;
  const out: T[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const v = value(points[i]);
      if (v < value(points[lo])) lo = i;
      if (v > value(points[hi])) hi = i;
    }
    if (end > start) {
      out.push(points[Math.min(lo, hi)]);
      if (hi !== lo) out.push(points[Math.max(lo, hi)]);
    }
  }
  out.push(points[n - 1]);
  return out;
}
