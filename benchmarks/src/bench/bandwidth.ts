/**
 * The machine's streaming bandwidth, measured the way an elementwise op streams: copying a large
 * Float32Array into another (TypedArray.set is a memcpy). Counts bytes read + bytes written, the
 * same accounting as src/bench/bytes.ts, and keeps the best of several copies (the least disturbed
 * by other processes). Uses only `performance.now()` so it runs in Node and in a page.
 */
export function measureBandwidth(megabytes = 64, repeats = 5, now: () => number = () => performance.now()): number {
  const n = Math.floor((megabytes * 1024 * 1024) / 4);
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const dst = new Float32Array(n);
  dst.set(src); // touch every page of dst before timing
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const t0 = now();
    dst.set(src);
    best = Math.min(best, now() - t0);
  }
  if (dst[n - 1] !== n - 1) throw new Error('bandwidth copy went wrong');
  return bandwidthFromCopy(n * 4, best);
}

/** GB/s from one copy of `bytes` bytes in `ms`: read + written = 2 * bytes. */
export function bandwidthFromCopy(bytes: number, ms: number): number {
  return (2 * bytes) / (ms * 1e-3) / 1e9;
}
