import type { WasmSource } from '../../activations/types';

/*
 * Turns an activation's WAT bodies (definition.wasm) into the text of a small module that
 * imports tf's wasm heap (env.memory) and runs over tensors in place, by byte address. No
 * activation is named here: scripts/build-wasm.js calls this for each definition at build time
 * and compiles the text with wabt; ./loader.ts instantiates the result against tf's memory.
 *
 * Exports (pointers are byte offsets into the heap, n the element count, alpha the parameter):
 *   forward(x, out, n, alpha)          out = g(x)
 *   backward(dy, s, out, n, alpha)     out = dy * g'(s)
 *   derivative(s, out, n, alpha)       out = g'(s)
 * Main loop: 8 elements (two f32x4) per iteration; the tail runs the same body on one lane.
 */

/** The element stream a body reads: its pointer parameter and the v128 local it is loaded into. */
interface Input {
  param: string;
  local: string;
}

/**
 * The memory import declares a maximum (4 GiB, so any heap fits) because a shared memory, which
 * tf's threaded wasm build has, can only be imported by a module declaring it shared with a
 * maximum: scripts/build-wasm.js makes that variant by setting the shared bit in the binary.
 */
export function wasmModuleText(src: WasmSource): string {
  const funcs = [
    loopFunc('forward', { param: '$xp', local: '$z' }, src.forward, null, src),
    loopFunc('backward', { param: '$sp', local: '$s' }, src.derivative, '$dyp', src),
    loopFunc('derivative', { param: '$sp', local: '$s' }, src.derivative, null, src),
  ];
  return `(module
  (import "env" "memory" (memory 0 65536))
${funcs.join('\n')}
)
`;
}

/**
 * One exported loop. `body` computes from the input's local; with `dyParam` the result is
 * multiplied by dy (dy * g', the order tf's gradients use for sigmoid; commutative anyway).
 */
function loopFunc(name: string, input: Input, body: string, dyParam: string | null, src: WasmSource): string {
  const pointers = dyParam != null ? [dyParam, input.param] : [input.param];
  const params = [...pointers, '$out'].map((p) => `(param ${p} i32)`).join(' ');
  const locals = [input.local, '$alpha', ...src.locals].map((l) => `(local ${l} v128)`).join(' ');
  const vector = (offset: number): string => {
    const mem = offset === 0 ? '' : ` offset=${offset}`;
    const value = dyParam != null ? `(f32x4.mul (v128.load${mem} (local.get ${dyParam})) ${body})` : body;
    return `
      (local.set ${input.local} (v128.load${mem} (local.get ${input.param})))
      (v128.store${mem} (local.get $out) ${value})`;
  };
  const lane = dyParam != null ? `(f32x4.mul (f32x4.splat (f32.load (local.get ${dyParam}))) ${body})` : body;
  const advance = (bytes: number): string =>
    [...pointers, '$out'].map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const ${bytes})))`).join('\n      ');
  return `
  (func (export "${name}") ${params} (param $n i32) (param $alphaScalar f32)
    (local $end i32) (local $vend i32) ${locals}
    (local.set $alpha (f32x4.splat (local.get $alphaScalar)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $out) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $vdone (loop $vnext
      (br_if $vdone (i32.ge_u (local.get $out) (local.get $vend)))${vector(0)}${vector(16)}
      ${advance(32)}
      (br $vnext)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (local.set ${input.local} (f32x4.splat (f32.load (local.get ${input.param}))))
      (f32.store (local.get $out) (f32x4.extract_lane 0 ${lane}))
      ${advance(4)}
      (br $next))))`;
}
