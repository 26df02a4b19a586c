import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { LN2_HI_F32, LN2_LO_F32 } from '../expr/wat-lib';
import { floatLiteral } from '../expr/shader';
import type { RowKernel } from './kernels';
import type { WebGPUProgramBase } from '../kernels/webgpu';

/*
 * The row kernels on webgl and webgpu: each is a reduction (one to three programs, by chunks of
 * a row: see glslStages) and an elementwise pass reading the row's result. Inputs are [rows, n]
 * (the ops reshape). The row length is part of the source (constant loop bounds), so programs
 * are compiled per n. NaN is tested explicitly (GPU compilers may assume
 * none: SwiftShader's exp(NaN) is 0): a row holding NaN or +Infinity, or all -Infinity, is NaN,
 * and -Infinity elements give 0 (softmax) or -Infinity (logSoftmax), as on cpu and wasm.
 * Typed structurally against tfjs-backend-webgl and -webgpu 4.x (as ../kernels/webgl.ts).
 */

interface WebGLProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
}

interface WebGLBackend {
  runWebGLProgram(program: WebGLProgram, inputs: TensorInfo[], outputType: DataType): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

/** 1/3 + z2 (1/5 + z2 (... 1/13)): atanh(z) / z - 1 over z2, to 4.6e-9 relative for z <= 1/3. */
const ATANH_SERIES = [3, 5, 7, 9, 11, 13].reduceRight((acc, k, i, all) => (i === all.length - 1 ? floatLiteral(1 / k) : `${floatLiteral(1 / k)} + z2 * (${acc})`), '');

/*
 * Accuracy, as on wasm (./wat.ts): x - max is carried as a TwoSum pair and e^(hi + lo) taken as
 * e^hi (1 + lo); sums are Kahan-compensated; logSoftmax's log(sum) is log1p((ones - 1) + rest)
 * with the max's exact 1s counted apart. The helpers (comments stay out of the shader text, which
 * every bundle carries):
 * - expReduced: e^x = 2^k e^r, r = x - k ln2 (ln2 split as in the WAT library): the driver's exp
 *   only on |r| <= ln2 / 2 (SwiftShader's exp(-60) was off by ~50%), 2^k exact.
 * - expDiff: e^(v - m) with v - m carried as hi + lo (TwoSum).
 * - log1pNonNegative(u), u >= 0: 2 atanh(u / (2 + u)) by its series below 1 (Goldberg's
 *   log(w) u / (w - 1) was folded to log(w) by SwiftShader's compiler), log(1 + u) above.
 */
const GLSL_HELPERS = `
      float expReduced(float x) {
        float k = floor(x * 1.4426950408889634 + 0.5);
        return exp((x - k * ${floatLiteral(LN2_HI_F32)}) - k * ${floatLiteral(LN2_LO_F32)}) * exp2(k);
      }
      float expDiff(float v, float m) {
        float hi = v - m;
        float bb = hi - v;
        float lo = (v - (hi - bb)) + (-m - bb);
        return expReduced(hi) * (1.0 + lo);
      }
      float log1pNonNegative(float u) {
        if (u >= 1.0) return log(1.0 + u);
        float z = u / (2.0 + u);
        float z2 = z * z;
        return 2.0 * z * (1.0 + z2 * (${ATANH_SERIES}));
      }`;

/**
 * A long row's reduction is split: each invocation reduces SUM_CHUNK elements and a further
 * program combines a row's chunks. One invocation a row left a [64, 32000] reduction 64
 * invocations (on webgpu one workgroup, one of SwiftShader's cores; a sliver of a real GPU).
 */
const SUM_CHUNK = 1024;
const chunksOf = (n: number): number => (n > SUM_CHUNK ? Math.ceil(n / SUM_CHUNK) : 1);

/** Column j of a row of n read by step k of chunk `chunk` (chunks of min(n, SUM_CHUNK)), GLSL. */
function glslColumn(chunk: string, n: number): string {
  const len = Math.min(n, SUM_CHUNK);
  return `int j = ${chunk} * ${len} + k;${n % len === 0 ? '' : `\n          if (j >= ${n}) break;`}`;
}

/** glslColumn in WGSL. */
function wgslColumn(chunk: string, n: number): string {
  const len = Math.min(n, SUM_CHUNK);
  return `let j = ${chunk} * ${len} + k;${n % len === 0 ? '' : `\n            if (j >= ${n}) { break; }`}`;
}

/**
 * One program of a reduction: its inputs are the kernel's (X; DY, S) and the outputs of the stages
 * before it (P the first's, Q the second's); the last stage's output is R, the pass's input.
 */
interface Stage {
  variableNames: string[];
  width: number;
  code: string;
}

/**
 * A backward's stages in either language: the row's sum of `term` (softmax: dy s; logSoftmax:
 * dy), by chunks and then over the chunks' sums (`partial`, read from P) for a long row. `sum`
 * renders a program summing a term over n columns into [rows, chunks].
 */
function backwardStages(kernel: RowKernel, n: number, sum: (term: string, n: number, chunks: number) => string, terms: { softmax: string; logSoftmax: string; partial: string }): Stage[] {
  const chunks = chunksOf(n);
  const softmax = kernel === 'softmax_backward';
  const variableNames = softmax ? ['DY', 'S'] : ['DY'];
  const term = softmax ? terms.softmax : terms.logSoftmax;
  if (chunks === 1) return [{ variableNames, width: 1, code: sum(term, n, 1) }];
  return [
    { variableNames, width: chunks, code: sum(term, n, chunks) },
    { variableNames: ['P'], width: 1, code: sum(terms.partial, chunks, 1) },
  ];
}

/**
 * The per-row results R: [rows, 2] for the forwards, (max, sum of e^(x - max)) for softmax and
 * (max, log(sum)) for logSoftmax; [rows, 1] for the backwards (sum of dy s, or of dy). A row of
 * more than SUM_CHUNK elements takes chunks: the backward sums each chunk, then the chunks'
 * sums. The forward, for any row, takes each chunk's max, then each chunk's sum of e^(x - max)
 * against the row's max, then the row's (max, sum). Every term is that of one compensated sum
 * over the row; only the order of summation differs.
 */
function glslStages(kernel: RowKernel, n: number): Stage[] {
  const chunks = chunksOf(n);
  if (kernel === 'softmax_backward' || kernel === 'logSoftmax_backward') {
    return backwardStages(kernel, n, glslSum, { softmax: 'getDY(c.x, j) * getS(c.x, j)', logSoftmax: 'getDY(c.x, j)', partial: 'getP(c.x, j)' });
  }
  const log = kernel === 'logSoftmax_forward';
  // Rows of up to SUM_CHUNK are one chunk: the same stages, so that no invocation waits on a
  // neighbour's longer loop (one program computing both max and sum left half of them idle).
  const len = Math.min(n, SUM_CHUNK);
  const column = (chunk: string) => glslColumn(chunk, n);
  // The row's max m from its chunks' maxes (P), and `at`, the first chunk holding it; NaN in the
  // row, +Infinity in it, or all -Infinity make the row NaN.
  const rowMax = `
        float m = getP(c.x, 0);
        int at = 0;
        bool bad = false;
        for (int j = 0; j < ${chunks}; j++) {
          float v = getP(c.x, j);
          if (isnan(v)) bad = true;
          if (v > m) { m = v; at = j; }
        }
        if (bad || isinf(m)) { setOutput(NAN); return; }`;
  return [
    {
      variableNames: ['X'],
      width: chunks,
      code: `
        ivec2 c = getOutputCoords();
        float m = getX(c.x, c.y * ${len});
        bool bad = false;
        for (int k = 0; k < ${len}; k++) {
          ${column('c.y')}
          float v = getX(c.x, j);
          if (isnan(v)) bad = true;
          m = max(m, v);
        }
        setOutput(bad ? NAN : m);`,
    },
    {
      // A chunk's compensated sum of e^(x - m). logSoftmax counts the max's exact 1s apart
      // (ones) and adds them back less the one 1 its log1p takes out, in the first chunk holding
      // the max: the chunks' results then sum to the one-chunk form's (ones - 1) + sum.
      variableNames: ['X', 'P'],
      width: chunks,
      code: `
        ivec2 c = getOutputCoords();${rowMax}
        float s = 0.0;
        float comp = 0.0;
        float ones = 0.0;
        for (int k = 0; k < ${len}; k++) {
          ${column('c.y')}
          float v = getX(c.x, j);
          ${log ? 'if (v == m) { ones += 1.0; continue; }' : ''}
          float y = (isinf(v) ? 0.0 : expDiff(v, m)) - comp;
          float t = s + y;
          comp = (t - s) - y;
          s = t;
        }
        setOutput(${log ? '(ones - (c.y == at ? 1.0 : 0.0)) + (s - comp)' : 's - comp'});`,
    },
    {
      // (max, sum): the chunks' sums summed; logSoftmax's log(sum) as log1p of the rest.
      variableNames: ['P', 'Q'],
      width: 2,
      code: `
        ivec2 c = getOutputCoords();${rowMax}
        if (c.y == 0) { setOutput(m); return; }
        float s = 0.0;
        float comp = 0.0;
        for (int j = 0; j < ${chunks}; j++) {
          float y = getQ(c.x, j) - comp;
          float t = s + y;
          comp = (t - s) - y;
          s = t;
        }
        setOutput(${log ? 'log1pNonNegative(s - comp)' : 's - comp'});`,
    },
  ];
}

/** Runs a reduction's stages in order and returns the last one's output, the others disposed. */
function runStages(stages: Stage[], ins: Record<string, TensorInfo>, run: (stage: Stage, inputs: TensorInfo[]) => TensorInfo, dispose: (t: TensorInfo) => void): TensorInfo {
  const outs: TensorInfo[] = [];
  const input = (v: string): TensorInfo => (v === 'P' ? outs[0] : v === 'Q' ? outs[1] : ins[v]);
  try {
    for (const stage of stages) outs.push(run(stage, stage.variableNames.map(input)));
  } catch (e) {
    outs.forEach(dispose);
    throw e;
  }
  const last = outs.pop() as TensorInfo;
  outs.forEach(dispose);
  return last;
}

/**
 * Compensated sums of `term` (at row c.x, column j) over j < n into [rows, chunks]: output (row,
 * k) sums chunk k (with one chunk, the whole row). The output's width is the program's shape, so
 * GLSL needs no `chunks` here.
 */
function glslSum(term: string, n: number): string {
  return `
        ivec2 c = getOutputCoords();
        float s = 0.0;
        float comp = 0.0;
        for (int k = 0; k < ${Math.min(n, SUM_CHUNK)}; k++) {
          ${glslColumn('c.y', n)}
          float y = ${term} - comp;
          float t = s + y;
          comp = (t - s) - y;
          s = t;
        }
        setOutput(s - comp);`;
}

/**
 * The elementwise pass as the value at (row, col), R the reduction's result ([rows, width]): one
 * element per output texel, or four in a packed output texel (see webglRowKernel).
 */
const glslPass: Record<Exclude<RowKernel, 'crossEntropy_backward'>, { variableNames: string[]; value: string }> = {
  softmax_forward: {
    variableNames: ['X', 'R'],
    value: `
        float m = getR(row, 0);
        float v = getX(row, col);
        return isnan(m) ? NAN : (isinf(v) ? 0.0 : expDiff(v, m) / getR(row, 1));`,
  },
  // (v - m) - L with v - m as hi + lo: hi - L rounded once more, lo added back.
  logSoftmax_forward: {
    variableNames: ['X', 'R'],
    value: `
        float m = getR(row, 0);
        float v = getX(row, col);
        float hi = v - m;
        float bb = hi - v;
        float lo = (v - (hi - bb)) + (-m - bb);
        return isnan(m) ? NAN : (isinf(v) ? v : (hi - getR(row, 1)) + lo);`,
  },
  softmax_backward: {
    variableNames: ['DY', 'S', 'R'],
    value: `
        return getS(row, col) * (getDY(row, col) - getR(row, 0));`,
  },
  // The driver's exp: its relative error at tiny e^o is far inside the backward's absolute bound,
  // and it costs less than expReduced; NaN tested first (SwiftShader's exp(NaN) is 0).
  logSoftmax_backward: {
    variableNames: ['DY', 'S', 'R'],
    value: `
        float o = getS(row, col);
        return isnan(o) ? NAN : getDY(row, col) - (isinf(o) ? 0.0 : exp(o)) * getR(row, 0);`,
  },
};

/** A program object as runWebGLProgram reads it; the class name is part of tf's cache key. */
class RowProgram implements WebGLProgram {
  readonly packedInputs: boolean;
  readonly packedOutput: boolean;
  constructor(
    readonly variableNames: string[],
    readonly outputShape: number[],
    code: string,
    packing: { inputs?: boolean; output?: boolean } = {},
  ) {
    this.userCode = `${GLSL_HELPERS}${code}`;
    this.packedInputs = packing.inputs === true;
    this.packedOutput = packing.output === true;
  }
  readonly userCode: string;
}

/** main() around a body. */
const mainOf = (body: string): string => `
      void main() {${body}\n      }`;

/**
 * main() of an elementwise pass over [rows, n] from its per-element value: one element, or with a
 * packed output the texel's 2x2 block (row, col), (row, col + 1), (row + 1, col), (row + 1, col + 1),
 * those past the edge 0.
 */
function passMain(value: string, [rows, n]: number[], packed: boolean): string {
  const fn = `
      float rowValue(int row, int col) {${value}
      }`;
  if (!packed) return `${fn}
      void main() {
        ivec2 c = getOutputCoords();
        setOutput(rowValue(c.x, c.y));
      }`;
  return `${fn}
      void main() {
        ivec2 c = getOutputCoords();
        bool right = c.y + 1 < ${n};
        bool below = c.x + 1 < ${rows};
        setOutput(vec4(rowValue(c.x, c.y), right ? rowValue(c.x, c.y + 1) : 0.0,
          below ? rowValue(c.x + 1, c.y) : 0.0, below && right ? rowValue(c.x + 1, c.y + 1) : 0.0));
      }`;
}

/**
 * The row kernels on webgl. The forwards take an attr `packedOutput` (softmaxCrossEntropy's
 * logSoftmax): the pass then writes tf's packed layout, four elements a texel, which tf's packed
 * binary ops and the cross-entropy backward read without a packing program first.
 */
export function webglRowKernel(kernel: RowKernel): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const gl = backend as unknown as WebGLBackend;
    if (kernel === 'crossEntropy_backward') {
      const ls = inputs.ls as TensorInfo;
      const rows = (attrs as { rows: number }).rows;
      // Packed, as tf's binary ops are (an unpacked ls, or labels, is packed first by tf): four
      // elements a texel. NaN tested (SwiftShader's exp(NaN) is 0); exp(-inf) is 0.
      const program = new RowProgram(['LS', 'LABELS', 'DY'], ls.shape.slice(), mainOf(`
        ivec2 c = getOutputCoords();
        vec4 o = getLS(c.x, c.y);
        setOutput(mix((exp(o) - getLABELS(c.x, c.y)) * (getDY().x / ${rows}.0), o, isnan(o)));`), { inputs: true, output: true });
      return gl.runWebGLProgram(program, [ls, inputs.labels as TensorInfo, inputs.dy as TensorInfo], 'float32');
    }
    const first = (kernel.endsWith('forward') ? inputs.x : inputs.s) as TensorInfo;
    const [rows, n] = first.shape;
    if (rows * n === 0) return gl.makeTensorInfo(first.shape.slice(), 'float32', new Float32Array(0));
    const ins: Record<string, TensorInfo> = kernel.endsWith('forward') ? { X: first } : { DY: inputs.dy as TensorInfo, S: first };
    const r = runStages(glslStages(kernel, n), ins, (stage, inputs) =>
      gl.runWebGLProgram(new RowProgram(stage.variableNames, [rows, stage.width], mainOf(stage.code)), inputs, 'float32'), (t) => gl.disposeIntermediateTensorInfo(t));
    try {
      const pass = glslPass[kernel];
      const passInputs = pass.variableNames.map((v) => (v === 'R' ? r : ins[v]));
      const packed = kernel.endsWith('forward') && (attrs as { packedOutput?: boolean }).packedOutput === true;
      const program = new RowProgram(pass.variableNames, [rows, n], passMain(pass.value, [rows, n], packed), { output: packed });
      return gl.runWebGLProgram(program, passInputs, 'float32');
    } finally {
      gl.disposeIntermediateTensorInfo(r);
    }
  };
}

// --- webgpu ----------------------------------------------------------------------------------

type WebGPUProgram = WebGPUProgramBase;

interface WebGPUBackend {
  runWebGPUProgram(program: WebGPUProgram, inputs: TensorInfo[], outputType: DataType): TensorInfo;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  disposeData(dataId: unknown): boolean;
}

const WORKGROUP_X = 64;

class GpuRowProgram implements WebGPUProgram {
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP_X, 1, 1];
  readonly size = true;
  constructor(
    readonly shaderKey: string,
    readonly variableNames: string[],
    readonly outputShape: number[],
    private readonly body: string,
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(util.sizeFromShape(outputShape) / WORKGROUP_X), 1, 1];
  }
  getUserCode(): string {
    return `${WGSL_HELPERS}
      fn main(index : i32) {
        if (index < uniforms.size) {${this.body}
        }
      }`;
  }
}

/**
 * crossEntropy_backward on webgpu, elementwise: four elements per invocation where the size
 * allows, as tf's binary ops (one per invocation was barely faster than tf's four programs).
 */
class CrossEntropyBackwardGpuProgram implements WebGPUProgram {
  readonly variableNames = ['LS', 'LABELS', 'DY'];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP_X, 1, 1];
  readonly size = true;
  readonly shaderKey: string;
  readonly outputComponent: number;
  readonly variableComponents: number[];
  constructor(
    readonly outputShape: number[],
    private readonly rows: number,
  ) {
    const size = util.sizeFromShape(outputShape);
    this.outputComponent = size % 4 === 0 ? 4 : 1;
    this.variableComponents = [this.outputComponent, this.outputComponent, 1];
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(size / (WORKGROUP_X * this.outputComponent)), 1, 1];
    this.shaderKey = `tfjsActivations_crossEntropy_backward_${rows}_${this.outputComponent}`;
  }
  getUserCode(): string {
    const t = this.outputComponent === 4 ? 'vec4<f32>' : 'f32';
    const nan = this.outputComponent === 4 ? 'isnanVec4(o)' : 'isnan(o)';
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let o = LS[index];
          let g = (select(exp(o), ${t}(0.0), abs(o) == ${t}(uniforms.INFINITY)) - LABELS[index]) * (DY[0] / ${this.rows}.0);
          result[index] = select(g, ${t}(uniforms.NAN), ${nan});
        }
      }`;
  }
}

/** The same helpers as GLSL_HELPERS, in WGSL. */
const WGSL_HELPERS = `
      fn expReduced(x : f32) -> f32 {
        let k = floor(x * 1.4426950408889634 + 0.5);
        return exp((x - k * ${floatLiteral(LN2_HI_F32)}) - k * ${floatLiteral(LN2_LO_F32)}) * exp2(k);
      }
      fn expDiff(v : f32, m : f32) -> f32 {
        let hi = v - m;
        let bb = hi - v;
        let lo = (v - (hi - bb)) + (-m - bb);
        return expReduced(hi) * (1.0 + lo);
      }
      fn log1pNonNegative(u : f32) -> f32 {
        if (u >= 1.0) { return log(1.0 + u); }
        let z = u / (2.0 + u);
        let z2 = z * z;
        return 2.0 * z * (1.0 + z2 * (${ATANH_SERIES}));
      }`;

/** glslStages in WGSL: an invocation's index is its output element, row-major. */
function wgslStages(kernel: RowKernel, n: number): Stage[] {
  const chunks = chunksOf(n);
  if (kernel === 'softmax_backward' || kernel === 'logSoftmax_backward') {
    return backwardStages(kernel, n, wgslSum, { softmax: 'DY[b + j] * S[b + j]', logSoftmax: 'DY[b + j]', partial: 'P[b + j]' });
  }
  const log = kernel === 'logSoftmax_forward';
  const len = Math.min(n, SUM_CHUNK);
  const column = (chunk: string) => wgslColumn(chunk, n);
  const rowMax = `
          var m = P[r * ${chunks}];
          var at = 0;
          var bad = false;
          for (var j = 0; j < ${chunks}; j++) {
            let v = P[r * ${chunks} + j];
            if (isnan(v)) { bad = true; }
            if (v > m) { m = v; at = j; }
          }
          if (bad || isinf(m)) { result[index] = uniforms.NAN; return; }`;
  return [
    {
      variableNames: ['X'],
      width: chunks,
      code: `
          let r = index / ${chunks};
          let chunk = index % ${chunks};
          let b = r * ${n};
          var m = X[b + chunk * ${len}];
          var bad = false;
          for (var k = 0; k < ${len}; k++) {
            ${column('chunk')}
            let v = X[b + j];
            if (isnan(v)) { bad = true; }
            m = max(m, v);
          }
          result[index] = select(m, uniforms.NAN, bad);`,
    },
    {
      variableNames: ['X', 'P'],
      width: chunks,
      code: `
          let r = index / ${chunks};
          let chunk = index % ${chunks};
          let b = r * ${n};${rowMax}
          var s = 0.0;
          var comp = 0.0;
          var ones = 0.0;
          for (var k = 0; k < ${len}; k++) {
            ${column('chunk')}
            let v = X[b + j];
            ${log ? 'if (v == m) { ones += 1.0; continue; }' : ''}
            let y = select(expDiff(v, m), 0.0, isinf(v)) - comp;
            let t = s + y;
            comp = (t - s) - y;
            s = t;
          }
          result[index] = ${log ? '(ones - select(0.0, 1.0, chunk == at)) + (s - comp)' : 's - comp'};`,
    },
    {
      variableNames: ['P', 'Q'],
      width: 2,
      code: `
          let r = index / 2;${rowMax}
          if (index % 2 == 0) { result[index] = m; return; }
          var s = 0.0;
          var comp = 0.0;
          for (var j = 0; j < ${chunks}; j++) {
            let y = Q[r * ${chunks} + j] - comp;
            let t = s + y;
            comp = (t - s) - y;
            s = t;
          }
          result[index] = ${log ? 'log1pNonNegative(s - comp)' : 's - comp'};`,
    },
  ];
}

/** glslSum in WGSL: `term` reads column j of the row starting at b; `chunks` is the output's width. */
function wgslSum(term: string, n: number, chunks: number): string {
  return `
          let b = (index / ${chunks}) * ${n};
          let chunk = index % ${chunks};
          var s = 0.0;
          var comp = 0.0;
          for (var k = 0; k < ${Math.min(n, SUM_CHUNK)}; k++) {
            ${wgslColumn('chunk', n)}
            let y = ${term} - comp;
            let t = s + y;
            comp = (t - s) - y;
            s = t;
          }
          result[index] = s - comp;`;
}

const wgslPass: Record<Exclude<RowKernel, 'crossEntropy_backward'>, { variableNames: string[]; code: string }> = {
  softmax_forward: {
    variableNames: ['X', 'R'],
    code: `
          let m = R[2 * r];
          let v = X[index];
          result[index] = select(select(expDiff(v, m) / R[2 * r + 1], 0.0, isinf(v)), uniforms.NAN, isnan(m));`,
  },
  logSoftmax_forward: {
    variableNames: ['X', 'R'],
    code: `
          let m = R[2 * r];
          let v = X[index];
          let hi = v - m;
          let bb = hi - v;
          let lo = (v - (hi - bb)) + (-m - bb);
          result[index] = select(select((hi - R[2 * r + 1]) + lo, v, isinf(v)), uniforms.NAN, isnan(m));`,
  },
  softmax_backward: {
    variableNames: ['DY', 'S', 'R'],
    code: `
          result[index] = S[index] * (DY[index] - R[r]);`,
  },
  logSoftmax_backward: {
    variableNames: ['DY', 'S', 'R'],
    code: `
          let o = S[index];
          result[index] = select(DY[index] - select(exp(o), 0.0, isinf(o)) * R[r], uniforms.NAN, isnan(o));`,
  },
};

export function webgpuRowKernel(kernel: RowKernel): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const gpu = backend as unknown as WebGPUBackend;
    if (kernel === 'crossEntropy_backward') {
      const ls = inputs.ls as TensorInfo;
      const rows = (attrs as { rows: number }).rows;
      const program = new CrossEntropyBackwardGpuProgram(ls.shape.slice(), rows);
      return gpu.runWebGPUProgram(program, [ls, inputs.labels as TensorInfo, inputs.dy as TensorInfo], 'float32');
    }
    const first = (kernel.endsWith('forward') ? inputs.x : inputs.s) as TensorInfo;
    const [rows, n] = first.shape;
    const ins: Record<string, TensorInfo> = kernel.endsWith('forward') ? { X: first } : { DY: inputs.dy as TensorInfo, S: first };
    const key = `tfjsActivations_${kernel}_${n}`;
    if (rows * n === 0) return gpu.makeTensorInfo(first.shape.slice(), 'float32', new Float32Array(0));
    const r = runStages(wgslStages(kernel, n), ins, (stage, inputs) =>
      gpu.runWebGPUProgram(new GpuRowProgram(`${key}_stage${stage.width}_${stage.variableNames.join('')}`, stage.variableNames, [rows, stage.width], stage.code), inputs, 'float32'), (t) => gpu.disposeData(t.dataId));
    try {
      const pass = wgslPass[kernel];
      return gpu.runWebGPUProgram(
        new GpuRowProgram(`${key}_pass`, pass.variableNames, [rows, n], `
          let r = index / ${n};${pass.code}`),
        pass.variableNames.map((v) => (v === 'R' ? r : ins[v])),
        'float32',
      );
    } finally {
      gpu.disposeData(r.dataId);
    }
  };
}
