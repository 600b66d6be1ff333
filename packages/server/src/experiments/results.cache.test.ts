import { describe, expect, it } from 'vitest';
import { ResultsCache } from './results.cache.js';
import { resultsExample } from './results.example.js';

const computed = (n: number) => ({ ...resultsExample, computed_at: `run ${n}` });

describe('results cache', () => {
  it('answers from the cache while fresh, recomputes when stale, on refresh, or for a new version', async () => {
    let now = 0;
    let runs = 0;
    const cache = new ResultsCache(1000, () => now);
    const compute = async () => computed(++runs);
    expect((await cache.get('e', 'v1', compute)).computed_at).toBe('run 1');
    now = 999;
    expect((await cache.get('e', 'v1', compute)).computed_at).toBe('run 1');
    expect((await cache.get('e', 'v1', compute, true)).computed_at).toBe('run 2');
    expect((await cache.get('e', 'v2', compute)).computed_at).toBe('run 3');
    now += 1000;
    expect((await cache.get('e', 'v2', compute)).computed_at).toBe('run 4');
    cache.close();
  });

  it('shares one computation between concurrent readers', async () => {
    let runs = 0;
    const cache = new ResultsCache(1000);
    const compute = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return computed(runs);
    };
    const answers = await Promise.all([1, 2, 3].map(() => cache.get('e', 'v', compute)));
    expect(runs).toBe(1);
    expect(new Set(answers.map((a) => a.computed_at))).toEqual(new Set(['run 1']));
    cache.close();
  });

  it('recomputes stale entries on its schedule, so the next reader finds fresh figures', async () => {
    let now = 0;
    let runs = 0;
    const cache = new ResultsCache(1000, () => now);
    const compute = async () => computed(++runs);
    await cache.get('e', 'v', compute);
    cache.schedule(10);
    now = 5000;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBeGreaterThanOrEqual(2);
    // Fresh again: the reader does not wait for a computation.
    const before = runs;
    expect((await cache.get('e', 'v', compute)).computed_at).toBe(`run ${before}`);
    cache.close();
  });

  it('forgets a failed computation, so the next reader tries again', async () => {
    const cache = new ResultsCache(1000);
    await expect(cache.get('e', 'v', async () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    expect((await cache.get('e', 'v', async () => computed(7))).computed_at).toBe('run 7');
    cache.close();
  });
});
