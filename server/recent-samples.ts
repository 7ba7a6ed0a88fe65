/** The latest samples of a duration, at most `size` of them (the oldest go first), for percentiles in counters. */
export class RecentSamples {
  private values: number[] = [];
  private at = 0;

  constructor(private readonly size: number) {}

  add(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.at] = value;
    this.at = (this.at + 1) % this.size;
  }

  /** Median and 95th percentile (nearest rank) of what was added since the last take, and how many; then starts again. */
  take(): { samples: number; p50Ms: number; p95Ms: number } {
    const sorted = [...this.values].sort((a, b) => a - b);
    this.values = [];
    this.at = 0;
    const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
    return { samples: sorted.length, p50Ms: Math.round(rank(50) * 10) / 10, p95Ms: Math.round(rank(95) * 10) / 10 };
  }
}
