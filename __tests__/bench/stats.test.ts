import { isNoisy, quantile, speedup, summarize } from '../../benchmarks/src/bench/stats';

describe('bench statistics', () => {
  test('quantile interpolates between order statistics, whatever the input order', () => {
    const v = [5, 1, 4, 2, 3];
    expect(quantile(v, 0)).toBe(1);
    expect(quantile(v, 1)).toBe(5);
    expect(quantile(v, 0.5)).toBe(3);
    expect(quantile(v, 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile(v, 0.9)).toBeCloseTo(4.6, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([7], 0.9)).toBe(7);
    expect(v).toEqual([5, 1, 4, 2, 3]); // not sorted in place
  });

  test('quantile rejects no values and q outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(/no values/);
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
    expect(() => quantile([1], Number.NaN)).toThrow(/\[0, 1\]/);
  });

  test('summarize gives median, p10, p90, count and relative spread', () => {
    const values = Array.from({ length: 11 }, (_, i) => 10 + i); // 10..20
    const s = summarize(values);
    expect(s).toEqual({ median: 15, p10: 11, p90: 19, samples: 11, spread: (19 - 11) / 15 });
  });

  test('speedup is builtin / custom of medians; noisy above 10% spread on either side', () => {
    expect(speedup(10, 2)).toBe(5);
    expect(speedup(1, 4)).toBe(0.25);
    // The threshold is 10%: exactly at it is not noisy, just past it is, on either side.
    expect(isNoisy(0.1, 0.1)).toBe(false);
    expect(isNoisy(0.1000001, 0)).toBe(true);
    expect(isNoisy(0, 0.1000001)).toBe(true);
    expect(isNoisy(0.05, 0.09)).toBe(false);
    expect(isNoisy(0.05, 0.11)).toBe(true);
    expect(isNoisy(0.2, 0)).toBe(true);
  });
});
