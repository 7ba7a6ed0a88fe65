/**
 * The tests' one seeded PRNG (mulberry32): the same numbers for the same seed
 * on every machine and every run, so a failing schedule, crash point or
 * image can be replayed from its printed seed, and benchmark corpora are the
 * same images between runs and decoders.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  gaussian(): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** -1 or +1. */
  sign(): number;
}

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    range: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gaussian: () => {
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    sign: () => (next() < 0.5 ? -1 : 1),
  };
}

/** The plain generator of numbers in [0, 1) for a seed (fault schedules, crash points, interleavings). */
export function seeded(seed: number): () => number {
  return mulberry32(seed).next;
}

/**
 * The seed of a random test: from the environment variable `name` when set
 * (to replay a failure), else `fallback`; printed either way with the line
 * that replays it.
 */
export function seedFrom(name: string, fallback: number): number {
  const given = process.env[name];
  const seed = given === undefined || given === '' ? fallback : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`${name} must be a whole number (got ${given ?? ''})`);
  console.log(`seed ${seed} (replay with ${name}=${seed})`);
  return seed;
}

/** A seed for one sample, mixed from its coordinates, so samples do not depend on generation order. */
export function seedOf(...parts: readonly (number | string)[]): number {
  let h = 2_166_136_261;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619);
    h = Math.imul(h ^ 0x2c, 16_777_619);
  }
  return h >>> 0;
}
