import { bandwidthFromCopy, measureBandwidth } from '../../benchmarks/src/bench/bandwidth';
import { bandwidthFraction, bytesMoved } from '../../benchmarks/src/bench/bytes';

describe('bytes model and bandwidth', () => {
  test('bytes per pass: float32 tensors read + written', () => {
    expect(bytesMoved('forward', 1000)).toBe(2 * 4 * 1000);
    expect(bytesMoved('backward', 1000)).toBe(3 * 4 * 1000);
    expect(bytesMoved('forward+backward', 1000)).toBe(5 * 4 * 1000);
    expect(bytesMoved('train', 1000)).toBeNull();
  });

  test('bandwidthFraction = bytes / time / bandwidth', () => {
    // forward of 1e6 elements moves 8 MB; in 1 ms that is 8 GB/s, half of 16 GB/s.
    expect(bandwidthFraction('forward', 1e6, 1, 16)).toBeCloseTo(0.5, 12);
    expect(bandwidthFraction('backward', 1e6, 2, 12)).toBeCloseTo(0.5, 12);
    expect(bandwidthFraction('train', 1e6, 1, 16)).toBeNull();
    expect(bandwidthFraction('forward', 1e6, 0, 16)).toBeNull();
  });

  test('a copy counts read + write', () => {
    expect(bandwidthFromCopy(1e9, 1000)).toBe(2);
  });

  test('measureBandwidth times the best copy with the given clock', () => {
    // A clock that advances 1 ms per reading: every copy takes exactly 1 ms.
    let t = 0;
    const clock = (): number => (t += 1);
    const bytes = 1024 * 1024;
    expect(measureBandwidth(1, 3, clock)).toBeCloseTo((2 * bytes) / 1e-3 / 1e9, 9);
    // With the real clock: a positive, finite figure.
    const real = measureBandwidth(4, 2);
    expect(real).toBeGreaterThan(0);
    expect(Number.isFinite(real)).toBe(true);
  });
});
