import { describe, expect, it } from 'vitest';
import { RecentSamples } from './recent-samples';

describe('recent samples', () => {
  it('keeps the latest, gives nearest-rank p50 and p95, and starts again after each take', () => {
    const samples = new RecentSamples(100);
    for (let i = 1; i <= 250; i++) samples.add(i);
    // The last 100 (151..250) are kept.
    expect(samples.take()).toEqual({ samples: 100, p50Ms: 200, p95Ms: 245 });
    expect(samples.take()).toEqual({ samples: 0, p50Ms: Number.NaN, p95Ms: Number.NaN });
    samples.add(7.25);
    expect(samples.take()).toEqual({ samples: 1, p50Ms: 7.3, p95Ms: 7.3 });
  });
});
