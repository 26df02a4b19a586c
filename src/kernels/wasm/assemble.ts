/*
 * A WebAssembly text assembler for the subset ./source.ts and the expression renderer emit
 * (folded instructions, one memory import, exported loop functions over i32/f32/v128), so a
 * definition made at run time (defineActivation) gets wasm kernels without a build step. The
 * build compiles the library's own modules with wabt; a test checks that this assembler gives
 * the same bytes for them.
 */

type Node = string | Node[];

function parse(text: string): Node[] {
  const tokens = text.match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  const stack: Node[][] = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const done = stack.pop();
      if (done == null || stack.length === 0) throw new Error('assemble: unbalanced parentheses');
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new Error('assemble: unbalanced parentheses');
  return stack[0];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const utf8 = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const valueTypes: Record<string, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/**
 * A numeric immediate as Number reads it, digit separators allowed. What it cannot read (a hex
 * float, a NaN payload, a missing immediate) is an Error: encoded, it would be NaN or 0, a
 * module that runs and computes something else than its text says.
 */
function numberOf(v: Node | undefined): number {
  const x = typeof v === 'string' ? Number(v.replace(/_/g, '')) : NaN;
  if (Number.isNaN(x)) throw new Error(`assemble: unsupported number ${JSON.stringify(v)}`);
  return x;
}

/** An integer immediate (a constant, an offset, a lane, a memory limit); 1.5 would truncate silently. */
function integerOf(v: Node | undefined): number {
  const x = numberOf(v);
  if (!Number.isInteger(x)) throw new Error(`assemble: unsupported integer ${JSON.stringify(v)}`);
  return x;
}

/** Opcodes without immediates (SIMD ones as 0xfd + index). */
const plain: Record<string, number[]> = {
  'i32.add': [0x6a], 'i32.and': [0x71], 'i32.shl': [0x74], 'i32.ge_u': [0x4f],
  'f32x4.splat': [0xfd, 0x13], 'f64x2.splat': [0xfd, 0x14],
  'f32x4.eq': [0xfd, 0x41], 'f32x4.ne': [0xfd, 0x42], 'f32x4.lt': [0xfd, 0x43], 'f32x4.gt': [0xfd, 0x44], 'f32x4.le': [0xfd, 0x45], 'f32x4.ge': [0xfd, 0x46],
  'f64x2.eq': [0xfd, 0x47], 'f64x2.ne': [0xfd, 0x48], 'f64x2.lt': [0xfd, 0x49], 'f64x2.gt': [0xfd, 0x4a], 'f64x2.le': [0xfd, 0x4b], 'f64x2.ge': [0xfd, 0x4c],
  'v128.any_true': [0xfd, 0x53], 'i32x4.all_true': [0xfd, 0xa3, 0x01],
  'v128.not': [0xfd, 0x4d], 'v128.and': [0xfd, 0x4e], 'v128.andnot': [0xfd, 0x4f], 'v128.or': [0xfd, 0x50], 'v128.xor': [0xfd, 0x51], 'v128.bitselect': [0xfd, 0x52],
  'f32x4.demote_f64x2_zero': [0xfd, 0x5e], 'f64x2.promote_low_f32x4': [0xfd, 0x5f],
  'i32x4.shl': [0xfd, 0xab, 0x01], 'i32x4.shr_u': [0xfd, 0xad, 0x01], 'i32x4.add': [0xfd, 0xae, 0x01], 'i32x4.sub': [0xfd, 0xb1, 0x01],
  'i64x2.shl': [0xfd, 0xcb, 0x01], 'f32x4.convert_i32x4_s': [0xfd, 0xfa, 0x01],
  'f32x4.abs': [0xfd, 0xe0, 0x01], 'f32x4.neg': [0xfd, 0xe1, 0x01], 'f32x4.sqrt': [0xfd, 0xe3, 0x01], 'f32x4.add': [0xfd, 0xe4, 0x01],
  'f32x4.sub': [0xfd, 0xe5, 0x01], 'f32x4.mul': [0xfd, 0xe6, 0x01], 'f32x4.div': [0xfd, 0xe7, 0x01], 'f32x4.min': [0xfd, 0xe8, 0x01],
  'f32x4.max': [0xfd, 0xe9, 0x01], 'f32x4.pmin': [0xfd, 0xea, 0x01], 'f32x4.pmax': [0xfd, 0xeb, 0x01],
  'f64x2.abs': [0xfd, 0xec, 0x01], 'f64x2.neg': [0xfd, 0xed, 0x01], 'f64x2.sqrt': [0xfd, 0xef, 0x01], 'f64x2.add': [0xfd, 0xf0, 0x01],
  'f64x2.sub': [0xfd, 0xf1, 0x01], 'f64x2.mul': [0xfd, 0xf2, 0x01], 'f64x2.div': [0xfd, 0xf3, 0x01], 'f64x2.min': [0xfd, 0xf4, 0x01],
  'f64x2.max': [0xfd, 0xf5, 0x01], 'f64x2.pmin': [0xfd, 0xf6, 0x01], 'f64x2.pmax': [0xfd, 0xf7, 0x01],
};

/** Memory instructions: opcode and natural alignment (log2 bytes). */
const memory: Record<string, { op: number[]; align: number }> = {
  'f32.load': { op: [0x2a], align: 2 },
  'f32.store': { op: [0x38], align: 2 },
  'v128.load': { op: [0xfd, 0x00], align: 4 },
  'v128.store': { op: [0xfd, 0x0b], align: 4 },
};

function v128Const(shape: string, values: string[]): number[] {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN, '+nan': NaN };
  const n = (v: string) => special[v] ?? numberOf(v);
  if (shape === 'f32x4' && values.length === 4) values.forEach((v, i) => view.setFloat32(4 * i, n(v), true));
  else if (shape === 'f64x2' && values.length === 2) values.forEach((v, i) => view.setFloat64(8 * i, n(v), true));
  else if (shape === 'i32x4' && values.length === 4) values.forEach((v, i) => view.setInt32(4 * i, integerOf(v) | 0, true));
  else throw new Error(`assemble: unsupported v128.const ${shape} ${values.join(' ')}`);
  return [0xfd, 0x0c, ...bytes];
}

interface FuncScope {
  locals: Map<string, number>;
  labels: string[];
}

function encodeInstr(node: Node, scope: FuncScope, out: number[]): void {
  if (!Array.isArray(node) || typeof node[0] !== 'string') throw new Error(`assemble: expected a folded instruction, got ${JSON.stringify(node)}`);
  const [op, ...rest] = node as [string, ...Node[]];
  const atoms = rest.filter((r): r is string => typeof r === 'string');
  const children = rest.filter((r): r is Node[] => Array.isArray(r));
  const local = (name: string) => {
    const i = scope.locals.get(name);
    if (i == null) throw new Error(`assemble: unknown local ${name}`);
    return uleb(i);
  };
  if (op === 'block' || op === 'loop') {
    out.push(op === 'block' ? 0x02 : 0x03, 0x40);
    scope.labels.push(atoms[0] ?? '');
    for (const c of children) encodeInstr(c, scope, out);
    scope.labels.pop();
    out.push(0x0b);
    return;
  }
  if (op === 'if') {
    // (if (result t) cond... (then ...) (else ...)): the condition's instructions come first.
    const arm = (name: string) => children.find((c) => c[0] === name);
    const result = children.find((c) => c[0] === 'result');
    const type = result != null ? valueTypes[String(result[1])] : 0x40;
    if (type == null) throw new Error(`assemble: unsupported if result ${String(result?.[1])}`);
    for (const c of children) if (!['result', 'then', 'else'].includes(String(c[0]))) encodeInstr(c, scope, out);
    out.push(0x04, type);
    scope.labels.push(atoms[0] ?? '');
    for (const c of arm('then')?.slice(1) ?? []) encodeInstr(c, scope, out);
    const otherwise = arm('else');
    if (otherwise != null) {
      out.push(0x05);
      for (const c of otherwise.slice(1)) encodeInstr(c, scope, out);
    }
    scope.labels.pop();
    out.push(0x0b);
    return;
  }
  for (const c of children) encodeInstr(c, scope, out);
  if (op === 'local.get') out.push(0x20, ...local(atoms[0]));
  else if (op === 'local.set') out.push(0x21, ...local(atoms[0]));
  else if (op === 'local.tee') out.push(0x22, ...local(atoms[0]));
  else if (op === 'i32.const') out.push(0x41, ...sleb(integerOf(atoms[0])));
  else if (op === 'br' || op === 'br_if') {
    const depth = scope.labels.length - 1 - scope.labels.lastIndexOf(atoms[0]);
    if (depth >= scope.labels.length) throw new Error(`assemble: unknown label ${atoms[0]}`);
    out.push(op === 'br' ? 0x0c : 0x0d, ...uleb(depth));
  } else if (op === 'v128.const') out.push(...v128Const(atoms[0], atoms.slice(1)));
  else if (op === 'i8x16.shuffle') {
    if (atoms.length !== 16) throw new Error(`assemble: i8x16.shuffle takes 16 lane indices, got ${atoms.length}`);
    out.push(0xfd, 0x0d, ...atoms.map(integerOf));
  } else if (op === 'f32x4.extract_lane') out.push(0xfd, 0x1f, integerOf(atoms[0]));
  else if (op in memory) {
    // offset= only: an align= hint written as the natural alignment would not be the text's bytes.
    if (atoms.some((a) => !a.startsWith('offset='))) throw new Error(`assemble: ${op} takes only an offset= immediate, got ${atoms.join(' ')}`);
    const offset = atoms.length > 0 ? integerOf(atoms[atoms.length - 1].slice('offset='.length)) : 0;
    out.push(...memory[op].op, memory[op].align, ...uleb(offset));
  } else if (op in plain) {
    if (atoms.length > 0) throw new Error(`assemble: ${op} takes no immediates`);
    out.push(...plain[op]);
  } else throw new Error(`assemble: unsupported instruction ${op}`);
}

/**
 * The binary of a module in this subset. `shared`: the memory import declared shared (tf's
 * threaded wasm build has a shared memory, which only a module declaring it so can import).
 */
export function assembleWat(text: string, shared = false): Uint8Array<ArrayBuffer> {
  const top = parse(text);
  const mod = top[0];
  if (top.length !== 1 || !Array.isArray(mod) || mod[0] !== 'module') throw new Error('assemble: expected one (module ...)');
  const types: string[] = [];
  const funcTypes: number[] = [];
  const exports: number[][] = [];
  const bodies: number[][] = [];
  const imports: number[][] = [];
  for (const field of mod.slice(1)) {
    if (!Array.isArray(field)) throw new Error('assemble: unexpected atom in module');
    if (field[0] === 'import') {
      const mem = field[3];
      if (!Array.isArray(mem) || mem[0] !== 'memory') throw new Error('assemble: only a memory import is supported');
      const [min, max] = [integerOf(mem[1]), integerOf(mem[2])];
      imports.push([...utf8(String(field[1]).slice(1, -1)), ...utf8(String(field[2]).slice(1, -1)), 0x02, shared ? 0x03 : 0x01, ...uleb(min), ...uleb(max)]);
    } else if (field[0] === 'func') {
      const scope: FuncScope = { locals: new Map(), labels: [] };
      const params: number[] = [];
      const locals: number[] = [];
      const body: number[] = [];
      for (const part of field.slice(1)) {
        if (Array.isArray(part) && part[0] === 'export') exports.push([...utf8(String(part[1]).slice(1, -1)), 0x00, ...uleb(bodies.length)]);
        else if (Array.isArray(part) && (part[0] === 'param' || part[0] === 'local')) {
          const type = valueTypes[String(part[2])];
          if (type == null) throw new Error(`assemble: unsupported type ${String(part[2])}`);
          scope.locals.set(String(part[1]), scope.locals.size);
          (part[0] === 'param' ? params : locals).push(type);
        } else encodeInstr(part, scope, body);
      }
      const sig = `${params.join(',')}`;
      if (!types.includes(sig)) types.push(sig);
      funcTypes.push(types.indexOf(sig));
      // Locals as runs of one type, as wabt writes them.
      const runs: number[][] = [];
      for (const t of locals) {
        const last = runs[runs.length - 1];
        if (last != null && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      const code = [...vector(runs.map(([count, t]) => [...uleb(count), t])), ...body, 0x0b];
      bodies.push([...uleb(code.length), ...code]);
    } else throw new Error(`assemble: unsupported module field ${String(field[0])}`);
  }
  const typeSection = vector(types.map((sig) => [0x60, ...vector(sig === '' ? [] : sig.split(',').map((t) => [Number(t)])), 0x00]));
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, typeSection),
    ...section(2, vector(imports)),
    ...section(3, vector(funcTypes.map((t) => uleb(t)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ];
  return new Uint8Array(bytes);
}
