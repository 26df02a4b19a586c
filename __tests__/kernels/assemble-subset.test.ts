import wabtInit from 'wabt';
import { assembleWat } from '../../src/kernels/wasm/assemble';

/*
 * The run-time assembler (src/kernels/wasm/assemble.ts) instruction by instruction and form by
 * form against wabt, on small modules: assemble.test.ts checks the built-in modules, which use
 * only part of the subset (a user's defineActivation body may use the rest). This file imports
 * no activation, so it also runs alone and fast (docs/mutation.md, seventh session). Modules here
 * need not validate: wabt encodes without type checking, and so does the assembler.
 */
type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Wabt;
beforeAll(async () => {
  wabt = await wabtInit();
});

const MEMORY = '(import "env" "memory" (memory 1 65536))';

function wabtBytes(text: string): Buffer {
  const module = wabt.parseWat('t.wat', text, { simd: true });
  try {
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

function expectSameBytes(text: string): void {
  expect(Buffer.from(assembleWat(text)).toString('hex')).toBe(wabtBytes(text).toString('hex'));
}

/** A module of one exported function with the given params, locals and body. */
const fn = (body: string, decls = '') => `(module ${MEMORY} (func (export "f") ${decls} ${body}))`;

// Every instruction of the subset without immediates (assemble.ts's `plain` table).
const plainOps = [
  'i32.add', 'i32.and', 'i32.shl', 'i32.ge_u',
  'f32x4.splat', 'f64x2.splat',
  'f32x4.eq', 'f32x4.ne', 'f32x4.lt', 'f32x4.gt', 'f32x4.le', 'f32x4.ge',
  'f64x2.eq', 'f64x2.ne', 'f64x2.lt', 'f64x2.gt', 'f64x2.le', 'f64x2.ge',
  'v128.any_true', 'i32x4.all_true',
  'v128.not', 'v128.and', 'v128.andnot', 'v128.or', 'v128.xor', 'v128.bitselect',
  'f32x4.demote_f64x2_zero', 'f64x2.promote_low_f32x4',
  'i32x4.shl', 'i32x4.shr_u', 'i32x4.add', 'i32x4.sub',
  'i64x2.shl', 'f32x4.convert_i32x4_s',
  'f32x4.abs', 'f32x4.neg', 'f32x4.sqrt', 'f32x4.add', 'f32x4.sub', 'f32x4.mul', 'f32x4.div',
  'f32x4.min', 'f32x4.max', 'f32x4.pmin', 'f32x4.pmax',
  'f64x2.abs', 'f64x2.neg', 'f64x2.sqrt', 'f64x2.add', 'f64x2.sub', 'f64x2.mul', 'f64x2.div',
  'f64x2.min', 'f64x2.max', 'f64x2.pmin', 'f64x2.pmax',
];

describe('the run-time assembler gives wabt\'s bytes', () => {
  it.each(plainOps)('%s', (op) => expectSameBytes(fn(`(${op})`)));

  it('memory instructions, with no offset, a one-byte and a multi-byte one', () => {
    for (const op of ['f32.load', 'f32.store', 'v128.load', 'v128.store']) {
      for (const offset of ['', 'offset=0', 'offset=16', 'offset=4096', 'offset=0x10', 'offset=1_024']) expectSameBytes(fn(`(${op} ${offset} (i32.const 0))`));
    }
  });

  it('i32.const across the signed LEB128 byte boundaries', () => {
    for (const v of [0, 1, 63, 64, -1, -64, -65, 127, 128, 8191, 8192, -8193, 1000000, '1_000_000', '0x7f', 2147483647, -2147483648, 4294967295]) {
      expectSameBytes(fn(`(i32.const ${v})`));
    }
  });

  it('v128.const in each shape, with inf, nan, signs and digit separators', () => {
    expectSameBytes(fn('(v128.const f32x4 1.5 -inf inf nan)'));
    expectSameBytes(fn('(v128.const f32x4 +inf +nan -0 1_000.25)'));
    expectSameBytes(fn('(v128.const f32x4 1e-45 3.4028234663852886e38 -2.5e-3 7)'));
    expectSameBytes(fn('(v128.const f64x2 -inf 0.1)'));
    expectSameBytes(fn('(v128.const f64x2 nan 1e300)'));
    expectSameBytes(fn('(v128.const i32x4 0 -1 2147483647 -2147483648)'));
    expectSameBytes(fn('(v128.const i32x4 0x7f800000 255 1_000 -7)'));
  });

  it('lane and shuffle immediates', () => {
    for (const lane of [0, 3]) expectSameBytes(fn(`(f32x4.extract_lane ${lane} (local.get $v))`, '(param $v v128)'));
    expectSameBytes(fn('(i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 31 30 29 28 (local.get $v) (local.get $v))', '(param $v v128)'));
  });

  it('params and locals: indices past 127, runs of one type, local.get, set and tee', () => {
    const many = Array.from({ length: 130 }, (_, i) => `(local $l${i} f32)`).join(' ');
    const decls = `(param $a i32) (param $b f32) (param $c v128) (local $x i32) (local $y i32) ${many} (local $v v128) (local $z i32)`;
    const body = '(local.set $l129 (local.get $b)) (local.set $x (local.tee $y (local.get $a))) (local.set $v (local.get $c)) (local.set $z (local.get $l0))';
    expectSameBytes(fn(body, decls));
  });

  it('blocks, loops and branches by label at every depth', () => {
    const body = `(block $out (loop $top
        (br_if $out (local.get $i))
        (block $inner (br_if $top (local.get $i)) (br $inner) (br $out))
        (br $top)))
      (loop (block))`;
    expectSameBytes(fn(body, '(param $i i32)'));
    expectSameBytes(fn('(block $a (block $b (block $c (br $a) (br $b) (br $c))))'));
  });

  it('if with and without a result type, an else arm and a label', () => {
    const decls = '(param $c i32) (param $v v128) (local $r f32)';
    expectSameBytes(fn('(if (local.get $c) (then (local.set $c (i32.const 1))))', decls));
    expectSameBytes(fn('(if (local.get $c) (then (local.set $c (i32.const 1))) (else (local.set $c (i32.const 2)) (local.set $c (i32.const 3))))', decls));
    expectSameBytes(fn('(local.set $v (if (result v128) (local.get $c) (then (local.get $v)) (else (v128.not (local.get $v)))))', decls));
    expectSameBytes(fn('(local.set $r (if (result f32) (i32.and (local.get $c) (i32.const 1)) (then (f32.load (i32.const 0))) (else (f32.load offset=4 (i32.const 0)))))', decls));
    expectSameBytes(fn('(local.set $c (if (result i32) (local.get $c) (then (i32.const 5)) (else (i32.const 6))))', decls));
    expectSameBytes(fn('(block $b (if $l (local.get $c) (then (br $l) (br $b)) (else (br $b))))', decls));
    // No then arm: an empty one (wabt's text format requires the arm; the assembler reads it as empty).
    expect(Buffer.from(assembleWat(fn('(if (local.get $c))', decls))).toString('hex')).toBe(wabtBytes(fn('(if (local.get $c) (then))', decls)).toString('hex'));
  });

  it('several functions: shared and distinct signatures, one without an export, quoted names', () => {
    expectSameBytes(`(module ${MEMORY}
      (func (export "a") (param $p i32) (param $q f32) (local.set $p (local.get $p)))
      (func (param $p i32) (param $q f32))
      (func (export "no params"))
      (func (export "f (x)") (param $p v128) (local $t v128) (local.set $t (local.get $p)))
      (func (export "b") (param $p i32) (param $q f32)))`);
    expectSameBytes('(module (import "js" "mem" (memory 300 70000)) (func (export "g")))');
    // wabt leaves empty sections out; the assembler writes them empty, which is as valid.
    for (const text of ['(module)', `(module ${MEMORY})`]) expect(WebAssembly.validate(assembleWat(text))).toBe(true);
  });

  it('the shared variant differs only in the limits flags of the memory import', () => {
    const text = fn('(v128.store (i32.const 0) (v128.load (i32.const 16)))');
    const plain = wabtBytes(text);
    const shared = Buffer.from(assembleWat(text, true));
    // "memory" as a name, the import kind 0x02, then the limits: flags 0x01 (max given) or 0x03 (shared too).
    const at = plain.indexOf(Buffer.from([...Buffer.from('memory'), 0x02, 0x01]));
    expect(at).toBeGreaterThan(0);
    const expected = Buffer.from(plain);
    expected[at + 7] = 0x03;
    expect(shared.toString('hex')).toBe(expected.toString('hex'));
    expect(Buffer.from(assembleWat(text, false)).toString('hex')).toBe(plain.toString('hex'));
  });
});

describe('the run-time assembler refuses what is outside its subset, naming it', () => {
  it.each([
    ['(module', /^assemble: unbalanced parentheses$/],
    ['(module))', /^assemble: unbalanced parentheses$/],
    [')', /^assemble: unbalanced parentheses$/],
    ['', /^assemble: expected one \(module \.\.\.\)$/],
    ['(module) (module)', /^assemble: expected one \(module \.\.\.\)$/],
    ['(func)', /^assemble: expected one \(module \.\.\.\)$/],
    ['module', /^assemble: expected one \(module \.\.\.\)$/],
    ['(module memory)', /^assemble: unexpected atom in module$/],
    ['(module (import "env" "f" (func)))', /^assemble: only a memory import is supported$/],
    ['(module (import "env" "m" memory))', /^assemble: only a memory import is supported$/],
    ['(module (global $g i32))', /^assemble: unsupported module field global$/],
    ['(module (func (param $x i64)))', /^assemble: unsupported type i64$/],
    ['(module (func (local $x f64)))', /^assemble: unsupported type f64$/],
    ['(module (func nop))', /^assemble: expected a folded instruction, got "nop"$/],
    ['(module (func ((i32.add))))', /^assemble: expected a folded instruction, got \[\["i32.add"\]\]$/],
    ['(module (func (f32x4.qfma)))', /^assemble: unsupported instruction f32x4.qfma$/],
    ['(module (func (i32.add 1)))', /^assemble: i32.add takes no immediates$/],
    ['(module (func (local.get $nope)))', /^assemble: unknown local \$nope$/],
    ['(module (func (local $a i32) (local.set $b (local.get $a))))', /^assemble: unknown local \$b$/],
    ['(module (func (local $a i32) (local.tee $b (local.get $a))))', /^assemble: unknown local \$b$/],
    ['(module (func (block $a (br $b))))', /^assemble: unknown label \$b$/],
    ['(module (func (br_if $x (i32.const 0))))', /^assemble: unknown label \$x$/],
    ['(module (func (if (result i64) (i32.const 0) (then))))', /^assemble: unsupported if result i64$/],
    ['(module (func (v128.const i16x8 1 2 3 4 5 6 7 8)))', /^assemble: unsupported v128.const i16x8 1 2 3 4 5 6 7 8$/],
    ['(module (func (v128.const f32x4 1 2 3)))', /^assemble: unsupported v128.const f32x4 1 2 3$/],
    ['(module (func (v128.const f64x2 1 2 3)))', /^assemble: unsupported v128.const f64x2 1 2 3$/],
    ['(module (func (v128.const i32x4 1 2)))', /^assemble: unsupported v128.const i32x4 1 2$/],
    ['(module (func (v128.const i16x8 1 2 3 4)))', /^assemble: unsupported v128.const i16x8 1 2 3 4$/],
    // Numbers Number cannot read, or not integers where the encoding needs one: encoded, they
    // would be NaN or a truncation, a module computing something its text does not say.
    ['(module (func (v128.const f32x4 0x1p-149 0 0 0)))', /^assemble: unsupported number "0x1p-149"$/],
    ['(module (func (v128.const f32x4 nan:0x200000 0 0 0)))', /^assemble: unsupported number "nan:0x200000"$/],
    ['(module (func (v128.const f64x2 -nan 0)))', /^assemble: unsupported number "-nan"$/],
    ['(module (func (v128.const i32x4 1 2 3 4.5)))', /^assemble: unsupported integer "4.5"$/],
    ['(module (func (i32.const 1.5)))', /^assemble: unsupported integer "1.5"$/],
    ['(module (func (i32.const)))', /^assemble: unsupported number undefined$/],
    ['(module (func (i32.const x)))', /^assemble: unsupported number "x"$/],
    ['(module (func (f32x4.extract_lane two (i32.const 0))))', /^assemble: unsupported number "two"$/],
    ['(module (func (i8x16.shuffle 0 1 (i32.const 0))))', /^assemble: i8x16.shuffle takes 16 lane indices, got 2$/],
    ['(module (func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 z)))', /^assemble: unsupported number "z"$/],
    ['(module (func (f32.load offset=x (i32.const 0))))', /^assemble: unsupported number "x"$/],
    ['(module (func (v128.load align=16 (i32.const 0))))', /^assemble: v128.load takes only an offset= immediate, got align=16$/],
    ['(module (func (f32.store offset=4 8 (i32.const 0))))', /^assemble: f32.store takes only an offset= immediate, got offset=4 8$/],
    ['(module (import "env" "memory" (memory 1 many)))', /^assemble: unsupported number "many"$/],
    ['(module (import "env" "memory" (memory 1.5 2)))', /^assemble: unsupported integer "1.5"$/],
  ])('%j', (text, message) => {
    expect(() => assembleWat(text)).toThrow(message);
  });
});
