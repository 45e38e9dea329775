/**
 * A small seedable pseudo-random number generator (mulberry32), so demo data is reproducible: the same seed gives
 * the same sequence on every machine. Not for anything security-related.
 */

/** Returns a function yielding numbers in [0, 1), determined by `seed` (any 32-bit integer; other numbers are folded). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for callers that did not choose one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4_294_967_296);
}
