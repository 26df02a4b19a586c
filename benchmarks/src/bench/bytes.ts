import type { BenchPass } from './types';

/**
 * The bytes model: the least memory traffic each pass needs, in float32 tensors of `size`
 * elements read or written once. bandwidthFraction = bytes / time / measured bandwidth, so 1.0
 * would mean the op streams at the machine's copy speed (the physical limit for an elementwise op).
 *   forward:          read x, write y                               = 2 tensors
 *   backward:         read dy and the saved tensor, write dx        = 3 tensors
 *   forward+backward: forward, then backward                        = 5 tensors
 *   train:            null: an MLP step is dominated by matMul, no streaming model applies
 */
export const tensorsMoved: Record<BenchPass, number | null> = {
  forward: 2,
  backward: 3,
  'forward+backward': 5,
  train: null,
};

export const BYTES_PER_ELEMENT = 4;

export function bytesMoved(pass: BenchPass, size: number): number | null {
  const n = tensorsMoved[pass];
  return n == null ? null : n * size * BYTES_PER_ELEMENT;
}

/** Fraction of the streaming bandwidth (GB/s) a run of `ms` reaches; null where no model applies. */
export function bandwidthFraction(pass: BenchPass, size: number, ms: number, bandwidthGBs: number): number | null {
  const bytes = bytesMoved(pass, size);
  if (bytes == null || !(ms > 0) || !(bandwidthGBs > 0)) return null;
  return bytes / (ms * 1e-3) / (bandwidthGBs * 1e9);
}
