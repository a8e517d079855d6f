// The one seeded random source of the engine: mulberry32 (32-bit state), small, fast, and identical across
// platforms, so a shuffle, a split, a bootstrap interval or a fault trial replays exactly from its seed.

/** A generator of floats in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
