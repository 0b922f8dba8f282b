/** mulberry32: a small, fast, seeded generator, so benchmark data is the same on every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  /** 1 to max+1 picks, repeats allowed. */
  const pickMany = <T>(xs: readonly T[], max: number): T[] => Array.from({ length: 1 + int(max) }, () => pick(xs));
  /** The same picks without repeats (the random stream advances exactly as for pickMany). */
  const some = <T>(xs: readonly T[], max: number): T[] => [...new Set(pickMany(xs, max))];
  return { next, int, pick, pickMany, some };
}
