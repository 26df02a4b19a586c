import type { Tensor } from '@tensorflow/tfjs-core';
import { alpha as alphaParam, readsVarNamed, s as savedVar, show, z as inputVar } from '../expr/ast';
import type { Expr } from '../expr/ast';
import { renderGlslFunction } from '../expr/glsl';
import { renderJs } from '../expr/js';
import { renderTf } from '../expr/tf';
import { renderWat } from '../expr/wat';
import { renderWgslFunction } from '../expr/wgsl';
import type { ActivationDefinition, ActivationSpec, SavedTensor, ScalarReference, Tolerance, WatBody, WatFast } from './types';

/*
 * A spec (what an author writes) -> the definition the kernels and ops read. Everything a spec
 * can get wrong is found here, before anything registers: each expression is rendered once for
 * every target so a bad one fails now, with the definition's name in the message.
 */

const DEFAULT_TOLERANCE: Tolerance = { forwardUlp: 0, referenceUlp: 1, derivativeUlp: 0, derivativeAbs: 0, autodiffAbs: 0 };

function fail(name: string, what: string): never {
  throw new Error(`defineActivation('${name}'): ${what}`);
}

function isExpr(e: unknown): e is Expr {
  return typeof e === 'object' && e !== null && ['const', 'var', 'param', 'unary', 'binary', 'select'].includes((e as { kind?: unknown }).kind as string);
}

/** Calls an expression builder and checks it built an expression in the right variable. */
function build(name: string, field: string, f: unknown, v: Expr): Expr {
  if (typeof f !== 'function') fail(name, `${field} must be a function (${v === inputVar ? 'z' : 's'}, alpha) => expression`);
  let e: unknown;
  try {
    e = (f as (x: Expr, a: Expr) => unknown)(v, alphaParam);
  } catch (err) {
    fail(name, `${field} threw: ${(err as Error).message}`);
  }
  if (!isExpr(e)) fail(name, `${field} must return an expression (built with the tfjs-activations expr functions), got ${typeof e}`);
  if (readsVarNamed(e, v === inputVar ? 's' : 'z')) {
    fail(name, `${field} reads ${v === inputVar ? 's' : 'z'}; it may read only its argument and alpha`);
  }
  return e;
}

/** A hand-written WAT body (spec.watForward, spec.watDerivative), where one is given. */
function checkWatBody(name: string, field: string, b: unknown): void {
  if (b === undefined) return;
  const body = b as Partial<WatBody> | null;
  const localsOk = Array.isArray(body?.locals) && body.locals.every((l) => typeof l === 'string' && /^\$[\w.]+$/.test(l));
  if (typeof body?.code !== 'string' || !localsOk) fail(name, `${field} must be { code: string, locals: an array of $names }`);
  const fast = body.fast as Partial<WatFast> | null | undefined;
  if (fast !== undefined && (typeof fast?.min !== 'number' || Number.isNaN(fast.min) || typeof fast.code !== 'string')) {
    fail(name, `${field}.fast must be { min: a number, code: string }`);
  }
}

function checkNumber(name: string, field: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(name, `${field} must be a finite number >= ${min}, got ${String(v)}`);
  return v;
}

export function compileDefinition(spec: ActivationSpec): ActivationDefinition {
  if (spec == null || typeof spec !== 'object') throw new Error('defineActivation: expected a spec object');
  const name = spec.name;
  // Lower camel case, each capital followed by a lower-case letter or digit: saved layers models
  // snake-case activation names and loading camel-cases them back, and these names survive that.
  if (typeof name !== 'string' || !/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*$/.test(name)) {
    throw new Error(`defineActivation: name must be lower camel case (e.g. 'squarePlus'), got ${JSON.stringify(name)}`);
  }
  const forward = build(name, 'forward', spec.forward, inputVar);
  const derivative = build(name, 'derivative', spec.derivative, savedVar);

  const hasAlpha = spec.alpha !== undefined;
  const defaultAlpha = hasAlpha ? checkNumber(name, 'alpha.default', spec.alpha?.default, -Infinity) : 0;
  const savesSpec = spec.saves;
  if (savesSpec !== 'output' && savesSpec !== 'input' && typeof savesSpec !== 'function') {
    fail(name, `saves must be 'output', 'input' or a function of alpha returning one, got ${String(savesSpec)}`);
  }
  const saves = typeof savesSpec === 'function' ? savesSpec : (): SavedTensor => savesSpec;
  const savedAtDefault = saves(defaultAlpha);
  if (savedAtDefault !== 'output' && savedAtDefault !== 'input') fail(name, `saves(${defaultAlpha}) returned ${String(savedAtDefault)}`);

  const ref = spec.reference;
  if (ref == null) fail(name, 'reference (float64 value, derivative, secondDerivative) is required');
  for (const f of ['value', 'derivative', 'secondDerivative'] as const) {
    if (typeof ref[f] !== 'function') fail(name, `reference.${f} must be a function (z, alpha) => number`);
  }
  if (ref.derivativeFromSaved == null && (typeof savesSpec === 'function' || savesSpec === 'output')) {
    fail(name, 'reference.derivativeFromSaved is required when backward can read the saved output');
  }
  const reference: ScalarReference = { ...ref, derivativeFromSaved: ref.derivativeFromSaved ?? ref.derivative };

  if (spec.builtin !== undefined && typeof spec.builtin !== 'function') fail(name, 'builtin must be a function (x, alpha) => Tensor');
  const forwardOn = spec.simdForwardOn ?? ['wasm', 'cpu'];
  if (!Array.isArray(forwardOn) || forwardOn.some((b) => b !== 'wasm' && b !== 'cpu')) fail(name, "simdForwardOn must list 'wasm' and/or 'cpu'");
  const tolerance: Tolerance = {
    forwardUlp: checkNumber(name, 'tolerance.forwardUlp', spec.tolerance?.forwardUlp ?? DEFAULT_TOLERANCE.forwardUlp),
    referenceUlp: checkNumber(name, 'tolerance.referenceUlp', spec.tolerance?.referenceUlp ?? DEFAULT_TOLERANCE.referenceUlp),
    derivativeUlp: checkNumber(name, 'tolerance.derivativeUlp', spec.tolerance?.derivativeUlp ?? DEFAULT_TOLERANCE.derivativeUlp),
    derivativeAbs: checkNumber(name, 'tolerance.derivativeAbs', spec.tolerance?.derivativeAbs ?? DEFAULT_TOLERANCE.derivativeAbs),
    autodiffAbs: checkNumber(name, 'tolerance.autodiffAbs', spec.tolerance?.autodiffAbs ?? DEFAULT_TOLERANCE.autodiffAbs),
  };

  // Render every target now: a constant with no float32 value, say, fails here and not at first use.
  let wat: { forward: ReturnType<typeof renderWat>; derivative: ReturnType<typeof renderWat> };
  try {
    for (const [e, v] of [[forward, 'z'], [derivative, 's']] as const) {
      renderJs(e, v);
      renderGlslFunction(e, v);
      renderWgslFunction(e, v);
    }
    // A derivative bounded in absolute terms takes the exp that bound needs (fewer instructions).
    wat = { forward: renderWat(forward, '$z'), derivative: renderWat(derivative, '$s', undefined, tolerance.derivativeAbs > 0 ? 'absolute' : 'ulp') };
  } catch (err) {
    fail(name, `${(err as Error).message} (forward ${show(forward)}, derivative ${show(derivative)})`);
  }
  checkWatBody(name, 'watForward', spec.watForward);
  checkWatBody(name, 'watDerivative', spec.watDerivative);
  const watForward: WatBody = spec.watForward ?? wat.forward;
  if (spec.watDerivative != null && tolerance.derivativeAbs <= 0 && tolerance.derivativeUlp <= 0) {
    fail(name, 'watDerivative needs tolerance.derivativeAbs or tolerance.derivativeUlp: a hand-written body does not round as the derivative expression does');
  }
  const watDerivative: WatBody = spec.watDerivative ?? wat.derivative;

  const compositeForward = (x: Tensor, alpha: number): Tensor => renderTf(forward, x, alpha);
  return {
    name,
    title: spec.title ?? name,
    hasAlpha,
    defaultAlpha,
    keepsInt32: spec.keepsInt32 === true,
    saves,
    reference,
    forward,
    derivative,
    builtin: spec.builtin ?? compositeForward,
    hasBuiltin: spec.builtin != null,
    tfKernel: spec.tfKernel,
    compositeForward,
    compositeDerivative: (s: Tensor, alpha: number): Tensor => renderTf(derivative, s, alpha),
    wasm: {
      forward: watForward.code,
      derivative: watDerivative.code,
      forwardFast: watForward.fast,
      derivativeFast: watDerivative.fast,
      // Every loop function of the module declares all of them (see src/kernels/wasm/source.ts).
      locals: [...new Set([...watForward.locals, ...watDerivative.locals])],
      forwardOn,
    },
    tolerance,
    layersName: spec.layersName,
    layersLayer: spec.layersLayer,
  };
}
