import type { WasmSource } from '../../activations/types';
import { splat } from '../../expr/wat-lib';

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
 * Where the definition has a fast body (WatBody.fast), a loop over blocks of BLOCK elements runs
 * first: the fast body over the block (four vectors an iteration), keeping the least input lane
 * by lane; a block with a lane below the fast body's min is rerun with the per-vector body, and
 * so are the next SKIP blocks (inputs that fail once tend to fail again: without the skip, a
 * tensor that fails everywhere pays the fast body twice over). One pmin a vector and one test a
 * block cost less than a test and a branch a vector.
 */
const BLOCK = 64;
const SKIP = 8;

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
    loopFunc('forward', { param: '$xp', local: '$z' }, src.forward, src.forwardFast, null, src),
    loopFunc('backward', { param: '$sp', local: '$s' }, src.derivative, src.derivativeFast, '$dyp', src),
    loopFunc('derivative', { param: '$sp', local: '$s' }, src.derivative, src.derivativeFast, null, src),
  ];
  return `(module
  (import "env" "memory" (memory 0 65536))
${funcs.join('\n')}
)
`;
}

/**
 * One exported loop. `code` computes from the input's local (with `fast`, chosen per vector:
 * perVector); with `dyParam` the result is multiplied by dy (dy * g', the order tf's gradients
 * use for sigmoid; commutative anyway).
 */
function loopFunc(
  name: string,
  input: Input,
  code: string,
  fast: WasmSource['forwardFast'],
  dyParam: string | null,
  src: WasmSource,
): string {
  const body = perVector(code, fast, input.local);
  const pointers = dyParam != null ? [dyParam, input.param] : [input.param];
  const params = [...pointers, '$out'].map((p) => `(param ${p} i32)`).join(' ');
  const locals = [input.local, '$alpha', ...(fast != null ? ['$least'] : []), ...src.locals].map((l) => `(local ${l} v128)`).join(' ');
  const times = (value: string, mem: string): string => (dyParam != null ? `(f32x4.mul (v128.load${mem} (local.get ${dyParam})) ${value})` : value);
  const vector = (offset: number, code = body, least = false): string => {
    const mem = offset === 0 ? '' : ` offset=${offset}`;
    const mask = least ? `
      (local.set $least (f32x4.pmin (local.get $least) (local.get ${input.local})))` : '';
    return `
      (local.set ${input.local} (v128.load${mem} (local.get ${input.param})))${mask}
      (v128.store${mem} (local.get $out) ${times(code, mem)})`;
  };
  const lane = dyParam != null ? `(f32x4.mul (f32x4.splat (f32.load (local.get ${dyParam}))) ${body})` : body;
  const advance = (bytes: number): string =>
    [...pointers, '$out'].map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const ${bytes})))`).join('\n      ');
  const loop = (label: string, end: string, step: string, bytes: number): string => `
    (block $${label}done (loop $${label}next
      (br_if $${label}done (i32.ge_u (local.get $out) (local.get ${end})))${step}
      ${advance(bytes)}
      (br $${label}next)))`;
  const blocks = fast == null ? '' : blockLoop(pointers, vector, loop, fast);
  return `
  (func (export "${name}") ${params} (param $n i32) (param $alphaScalar f32)
    (local $end i32) (local $vend i32)${fast != null ? ' (local $bend i32) (local $skip i32)' : ''} ${locals}
    (local.set $alpha (f32x4.splat (local.get $alphaScalar)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $out) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))${blocks}${loop('v', '$vend', vector(0) + vector(16), 32)}
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (local.set ${input.local} (f32x4.splat (f32.load (local.get ${input.param}))))
      (f32.store (local.get $out) (f32x4.extract_lane 0 ${lane}))
      ${advance(4)}
      (br $next))))`;
}

/** The body for one vector: with a fast form, that form where no lane is below its min. */
function perVector(code: string, fast: WasmSource['forwardFast'], local: string): string {
  if (fast == null) return code;
  return `(if (result v128) (v128.any_true (f32x4.lt (local.get ${local}) ${splat(fast.min)})) (then ${code}) (else ${fast.code}))`;
}

/**
 * The block loop ahead of the main one (see BLOCK): $bend ends the whole blocks, $vend is reused
 * as the current block's end, and $skip counts the blocks still to run per vector.
 */
function blockLoop(
  pointers: string[],
  vector: (offset: number, code?: string, least?: boolean) => string,
  loop: (label: string, end: string, step: string, bytes: number) => string,
  fast: NonNullable<WasmSource['forwardFast']>,
): string {
  const bytes = 4 * BLOCK;
  const back = [...pointers, '$out'].map((p) => `(local.set ${p} (i32.add (local.get ${p}) (i32.const ${-bytes})))`).join('\n        ');
  return `
    (local.set $bend (i32.add (local.get $out) (i32.shl (i32.and (local.get $n) (i32.const ${-BLOCK})) (i32.const 2))))
    (block $bdone (loop $bnext
      (br_if $bdone (i32.ge_u (local.get $out) (local.get $bend)))
      (local.set $vend (i32.add (local.get $out) (i32.const ${bytes})))
      (block $blockdone
        (block $checked
          (br_if $checked (local.get $skip))
          (local.set $least (v128.const f32x4 inf inf inf inf))${loop('f', '$vend', [0, 16, 32, 48].map((o) => vector(o, fast.code, true)).join(''), 64)}
          (block $redo
            (br_if $redo (v128.any_true (f32x4.lt (local.get $least) ${splat(fast.min)})))
            (br $blockdone))
        ${back}
          (local.set $skip (i32.const ${SKIP + 1})))${loop('c', '$vend', vector(0) + vector(16), 32)}
        (local.set $skip (i32.add (local.get $skip) (i32.const -1))))
      (br $bnext)))
    (local.set $vend (i32.add (local.get $bend) (i32.shl (i32.and (local.get $n) (i32.const ${BLOCK - 8})) (i32.const 2))))`;
}
