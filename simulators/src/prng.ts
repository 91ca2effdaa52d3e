/**
 * A small seeded PRNG (mulberry32) so every scenario run is reproducible: the same
 * scenario, seed and loop index always yield byte-identical reads. Math.random is
 * never used by the simulators.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number;
  /** Normally distributed with the given mean and standard deviation (Box–Muller). */
  gaussian(mean: number, standardDeviation: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (minInclusive, maxInclusive) => minInclusive + Math.floor(next() * (maxInclusive - minInclusive + 1)),
    gaussian(mean, standardDeviation) {
      const uniform = Math.max(next(), Number.EPSILON);
      return mean + standardDeviation * Math.sqrt(-2 * Math.log(uniform)) * Math.cos(2 * Math.PI * next());
    },
    chance: (probability) => next() < probability,
  };
}

/** FNV-1a over the parts: derives independent, stable sub-seeds (per reader, per loop). */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  for (const character of parts.join('\u0000')) {
    hash ^= character.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
