/**
 * Exponential backoff with jitter: each failure doubles the ceiling (up to a
 * maximum) and the wait is drawn from its upper half, so a hundred desks that
 * lost the network together do not come back in lockstep, and no wait is
 * ever near zero.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next try, counting this failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return ceiling / 2 + this.random() * (ceiling / 2);
  }

  reset(): void {
    this.failures = 0;
  }

  get failing(): boolean {
    return this.failures > 0;
  }
}
