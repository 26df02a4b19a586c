import type { ActivationDefinition } from '../activations/types';
import type { ActivationCheckTolerances } from './activation';

/*
 * What the checks accept and try, in one place for every backend: checkActivation (Node and the
 * browser page alike) and the GPU's own in-page checks (src/browser/checks.ts) read it here.
 */

/** cpu, wasm and tensorflow: float32 kernels measured against float64 (see ActivationCheckTolerances). */
export const DEFAULT_TOLERANCES: Readonly<ActivationCheckTolerances> = {
  forwardUlps: 4,
  forwardAbs: 1e-6,
  backwardAbs: 1e-6,
  autodiffUlps: 4,
  autodiffAbs: 2.5e-7,
  secondAbs: 2e-6,
};

/**
 * GPU forward tolerance in ulps. GLSL ES 3.00 and WGSL allow exp an error of (3 + 2|x|) ulp, 19
 * ulp over the sweep's unsaturated |z| <= 8; on SwiftShader both our sigmoid and tf's built-in are
 * 6.8 ulp from float64 there (measured 2026-11-21), so the cpu/wasm bound of 4 does not apply.
 */
const GPU: Partial<ActivationCheckTolerances> = { forwardUlps: 20 };

/** The tolerances for a backend: the defaults, with the GPU's looser forward on webgl and webgpu. */
export function tolerancesFor(backend: string): ActivationCheckTolerances {
  return { ...DEFAULT_TOLERANCES, ...(backend === 'webgl' || backend === 'webgpu' ? GPU : {}) };
}

/**
 * The alphas a check tries for an activation that takes one: both signs (the saved tensor
 * differs) and > 1 (where max(alpha z, z) would be wrong); undefined (the op's own) otherwise.
 */
export function alphasToCheck(def: ActivationDefinition): (number | undefined)[] {
  return def.hasAlpha ? [0.2, 1.5, -0.5] : [undefined];
}
