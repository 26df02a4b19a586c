import * as tf from '@tensorflow/tfjs';
import { logSoftmax, softmax, softmaxCrossEntropy, softmaxJacobian } from 'tfjs-activations';
import { gradcheck } from 'tfjs-activations/gradcheck';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';
import { logSoftmax64, maxUlp, randomRows, softmax64 } from './reference';

const EPS = 2 ** -24;

/** Accuracy cases: row length and logit scale (rows of 2 .. 1e5, logits up to +-1e4). */
const SHAPES: Array<[rows: number, n: number]> = [[64, 2], [16, 7], [8, 1000], [1, 100000]];
const SCALES = [1, 30, 1e4];

const rowOps = { softmax, logSoftmax } as const;
type RowOpName = keyof typeof rowOps;
const ref64: Record<RowOpName, (x: ArrayLike<number>, n: number) => Float64Array> = { softmax: softmax64, logSoftmax: logSoftmax64 };

describe.each(NODE_BACKENDS)('row ops on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  describe.each(['softmax', 'logSoftmax'] as const)('%s', (name) => {
    const op = rowOps[name];

    it.each(SCALES)('forward within 4 ulp of float64 where |result| >= 1e-30 (logits scale %p, rows of 2 .. 1e5)', (scale) => {
      for (const [rows, n] of SHAPES) {
        const x = randomRows(rows * n, scale, rows * 7919 + n + scale);
        const got = tf.tidy(() => op(tf.tensor2d(x, [rows, n])).dataSync());
        const ulps = maxUlp(got, ref64[name](x, n));
        expect({ rows, n, scale, ulps }).toEqual({ rows, n, scale, ulps: expect.any(Number) });
        if (!(ulps <= 4)) throw new Error(`${name} [${rows}, ${n}] scale ${scale}: ${ulps} ulp`);
      }
    });

    it('forward within 4 ulp on rows shifted across the wasm module\'s exp paths (|max| about 256, a row range about 87)', () => {
      // softmax's module takes e^x 2^-K for |max| <= 256 (without the underflow mask where the
      // row's range is under about 86.6) and e^(x - max) beyond: rows on both sides of each switch.
      for (const offset of [-1e4, -300, -257, -255, -100, 0, 100, 255, 257, 300]) {
        for (const width of [4, 43, 44, 100]) {
          const [rows, n] = [4, 1003];
          const x = randomRows(rows * n, width, 977 + width).map((v) => v + offset);
          const got = tf.tidy(() => op(tf.tensor2d(x, [rows, n])).dataSync());
          const ulps = maxUlp(got, ref64[name](x, n));
          if (!(ulps <= 4)) throw new Error(`${name} offset ${offset} width ${width}: ${ulps} ulp`);
        }
      }
    });

    it('backward within 4 eps of the from-output bound: |dx - dx64| <= 4 eps (|s| (|dy| + sum|dy s|)) for softmax, 4 eps (|dy| + e^o sum|dy|) for logSoftmax', () => {
      for (const [rows, n] of SHAPES) {
        const x = randomRows(rows * n, 10, n + 3);
        const dyv = randomRows(rows * n, 1, n + 5);
        const { dx, out } = tf.tidy(() => {
          const xt = tf.tensor2d(x, [rows, n]);
          const dy = tf.tensor2d(dyv, [rows, n]);
          const o = op(xt).dataSync();
          return { dx: tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v), dy)))(xt).dataSync(), out: o };
        });
        for (let b = 0; b < rows * n; b += n) {
          let dot = 0, absDot = 0, sumDy = 0, absSum = 0;
          for (let j = b; j < b + n; j++) {
            dot += dyv[j] * out[j];
            absDot += Math.abs(dyv[j] * out[j]);
            sumDy += dyv[j];
            absSum += Math.abs(dyv[j]);
          }
          for (let j = b; j < b + n; j++) {
            const want = name === 'softmax' ? out[j] * (dyv[j] - dot) : dyv[j] - Math.exp(out[j]) * sumDy;
            const bound = name === 'softmax' ? 4 * EPS * Math.abs(out[j]) * (Math.abs(dyv[j]) + absDot) : 4 * EPS * (Math.abs(dyv[j]) + Math.exp(out[j]) * absSum);
            if (!(Math.abs(dx[j] - want) <= bound + 1e-37)) throw new Error(`${name}' [${rows}, ${n}] at ${j}: ${dx[j]} vs ${want} (bound ${bound})`);
          }
        }
      }
    });

    it('gradient equals tf\'s within float32 rounding, on the last axis and on axis 0 of a rank-3 tensor', () => {
      tf.tidy(() => {
        const tfOp = name === 'softmax' ? tf.softmax : tf.logSoftmax;
        const x = tf.tensor3d(randomRows(3 * 5 * 4, 4, 11), [3, 5, 4]);
        const dy = tf.tensor3d(randomRows(60, 1, 12), [3, 5, 4]);
        for (const axis of [-1, 0, 1]) {
          const perm = axis === -1 ? [0, 1, 2] : axis === 0 ? [1, 2, 0] : [0, 2, 1];
          const inv = perm.map((_, i) => perm.indexOf(i));
          const theirs = (v: tf.Tensor) => tf.transpose(tfOp(tf.transpose(v, perm)), inv);
          const ours = (v: tf.Tensor) => op(v, axis);
          expect(ours(x).shape).toEqual([3, 5, 4]);
          const [a, b] = [ours(x), theirs(x)].map((t) => Array.from(t.dataSync()));
          a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b[i]))));
          const ga = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(ours(v), dy)))(x).dataSync();
          const gb = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(theirs(v), dy)))(x).dataSync();
          ga.forEach((v, i) => expect(Math.abs(v - gb[i])).toBeLessThanOrEqual(1e-6));
        }
      });
    });

    it('second order is exact: grad(grad) matches the analytic Hessian-vector product', () => {
      const n = 6;
      const xv = Array.from(randomRows(n, 2, 21));
      const u = Array.from(randomRows(n, 1, 22));
      const w = Array.from(randomRows(n, 1, 23));
      // f(x) = u . op(x); g = grad f; h = grad (w . g) = H w, H the Hessian of f.
      const h = tf.tidy(() => {
        const ut = tf.tensor1d(u);
        const wt = tf.tensor1d(w);
        const g = (v: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(op(z), ut)))(v);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(g(v), wt)))(tf.tensor1d(xv)).dataSync();
      });
      // float64 Hessian by central differences of the analytic float64 gradient.
      const grad64 = (x: number[]): number[] => {
        const o = Array.from(ref64[name](x, n));
        if (name === 'softmax') {
          const dot = u.reduce((acc, ui, i) => acc + ui * o[i], 0);
          return o.map((s, i) => s * (u[i] - dot));
        }
        const sum = u.reduce((a, b) => a + b, 0);
        return o.map((lo, i) => u[i] - Math.exp(lo) * sum);
      };
      const step = 1e-5;
      const want = new Array<number>(n).fill(0);
      for (let k = 0; k < n; k++) {
        const plus = grad64(xv.map((v, i) => (i === k ? v + step : v)));
        const minus = grad64(xv.map((v, i) => (i === k ? v - step : v)));
        for (let i = 0; i < n; i++) want[k] += ((plus[i] - minus[i]) / (2 * step)) * w[i];
      }
      h.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2e-6 + 1e-4 * Math.abs(want[i])));
    });

    it('gradcheck and gradgradcheck pass', async () => {
      const x = tf.tensor2d(randomRows(12, 3, 31), [3, 4]);
      for (const order of [1, 2] as const) {
        for (const axis of [-1, 0]) {
          const report = await gradcheck((v) => op(v, axis), [x], { order });
          if (!report.ok) throw new Error(`${name} axis ${axis} order ${order}: ${report.reasons.join('; ')}`);
        }
      }
      x.dispose();
    });

    it('conventions: NaN or +Infinity in a row, or a row of all -Infinity, gives a NaN row; -Infinity elsewhere gives the limit; axis of length 1; empty; int32', () => {
      const rows = [
        [1, NaN, 2, 3, 0],
        [1, Infinity, 2, 3, 0],
        [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
        [-Infinity, 0, 1, -Infinity, 2],
      ];
      const got = tf.tidy(() => op(tf.tensor2d(rows)).arraySync() as number[][]);
      for (const r of [0, 1, 2]) expect(got[r].every(Number.isNaN)).toBe(true);
      const ref = Array.from(ref64[name](rows[3], 5));
      got[3].forEach((v, j) => expect(v).toBeCloseTo(ref[j], 6));
      expect(got[3][0]).toBe(name === 'softmax' ? 0 : -Infinity);
      // Axis of length 1: softmax is 1 and logSoftmax 0 (NaN for NaN and +-Infinity).
      const one = tf.tidy(() => Array.from(op(tf.tensor2d([[3], [-1e4], [NaN], [Infinity]]), -1).dataSync()));
      expect(one.slice(0, 2)).toEqual(name === 'softmax' ? [1, 1] : [0, 0]);
      expect(one.slice(2).every(Number.isNaN)).toBe(true);
      for (const shape of [[0, 3], [3, 0], [2, 0, 4]]) {
        const e = op(tf.zeros(shape));
        expect(e.shape).toEqual(shape);
        e.dispose();
      }
      const i = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
      const fromInt = op(i);
      expect(fromInt.dtype).toBe('float32');
      expect(Array.from(fromInt.dataSync())).toEqual(Array.from(tf.tidy(() => op(tf.tensor2d([[1, 2, 3]])).dataSync())));
      tf.dispose([i, fromInt]);
    });

    it('bad arguments are clear Errors naming the op', () => {
      const x = tf.ones([2, 3]);
      expect(() => op(x, 2)).toThrow(`${name}: axis must be an integer in [-2, 1] for a rank-2 tensor, got 2`);
      expect(() => op(x, -3)).toThrow(`${name}: axis must be an integer`);
      expect(() => op(x, 0.5)).toThrow(`${name}: axis must be an integer`);
      expect(() => op(x, '1' as unknown as number)).toThrow(`${name}: axis must be an integer in [-2, 1] for a rank-2 tensor, got string`);
      expect(() => op(tf.scalar(1))).toThrow(`${name}: x must have rank >= 1`);
      expect(() => op(tf.tensor1d([1, 0], 'bool'))).toThrow(`${name}: expected a float32 or int32 tensor, got dtype bool`);
      expect(() => op('a' as unknown as tf.Tensor)).toThrow(`${name}: x must be a Tensor or a numeric TensorLike`);
      x.dispose();
    });

    (backend === 'wasm' ? it : it.skip)('at first order on wasm, saves its output without tf\'s copy (no Identity kernel runs; tf\'s clone copies there only)', async () => {
      const x = tf.tensor2d(randomRows(12, 3, 61), [3, 4]);
      const info = await tf.profile(() => tf.grad((v: tf.Tensor) => op(v))(x));
      const names = info.kernels.map((k) => k.name);
      expect(names).toContain(`TfjsActivations_${name}_taped_view`);
      expect(names).not.toContain('Identity');
      x.dispose();
    });

    it('leaks no tensors, first or second order, last axis or another', () => {
      const x = tf.tensor2d(randomRows(12, 3, 41), [3, 4]);
      const before = tf.memory().numTensors;
      for (const axis of [-1, 0]) {
        tf.dispose(op(x, axis));
        tf.dispose(tf.grad((v: tf.Tensor) => op(v, axis))(x));
        tf.dispose(tf.grad((v: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(tf.square(op(z, axis))))(v))(x));
      }
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });
  });

  describe('softmaxCrossEntropy', () => {
    const data = (rows: number, n: number, seed: number) => {
      const logits = tf.tensor2d(randomRows(rows * n, 5, seed), [rows, n]);
      const labels = tf.softmax(tf.tensor2d(randomRows(rows * n, 3, seed + 1), [rows, n]));
      return { logits, labels };
    };

    it('equals tf.losses.softmaxCrossEntropy within float32 rounding (both within the summation bound of the float64 loss), and its logits gradient', () => {
      for (const [rows, n] of [[4, 5], [64, 1000], [2, 32000]]) {
        tf.tidy(() => {
          const { logits, labels } = data(rows, n, rows + n);
          const ours = softmaxCrossEntropy(labels, logits).dataSync()[0];
          const theirs = tf.losses.softmaxCrossEntropy(labels, logits).dataSync()[0];
          // float64 loss from the same float32 inputs; both sum n float32 terms per row with
          // tf.sum (float32 accumulation on wasm), whose rounding bound is n eps sum|terms|.
          const lab = labels.dataSync();
          const ls = logSoftmax64(logits.dataSync(), n);
          let want = 0, abs = 0;
          ls.forEach((v, i) => ((want -= lab[i] * v), (abs += Math.abs(lab[i] * v))));
          want /= rows;
          const bound = (n + 4) * EPS * (abs / rows);
          expect(Math.abs(ours - want)).toBeLessThanOrEqual(bound);
          expect(Math.abs(theirs - want)).toBeLessThanOrEqual(bound);
          const ga = tf.grad((v: tf.Tensor) => softmaxCrossEntropy(labels, v))(logits).dataSync();
          const gb = tf.grad((v: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, v))(logits).dataSync();
          // One expect for the worst element (an expect per element costs seconds at 64 000).
          let worst = 0;
          ga.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - gb[i]) / (1e-6 / rows + 1e-6 * Math.abs(gb[i])))));
          expect(worst).toBeLessThanOrEqual(1);
        });
      }
    });

    it('over axis 0, and the labels gradient is -logSoftmax(logits) dy / rows', () => {
      tf.tidy(() => {
        const { logits, labels } = data(5, 3, 7);
        const loss0 = softmaxCrossEntropy(labels, logits, 0).dataSync()[0];
        const want = softmaxCrossEntropy(labels.transpose(), logits.transpose()).dataSync()[0];
        expect(loss0).toBeCloseTo(want, 6);
        const gl = tf.grad((v: tf.Tensor) => softmaxCrossEntropy(v, logits))(labels).dataSync();
        const ls = logSoftmax(logits).dataSync();
        gl.forEach((v, i) => expect(v).toBeCloseTo(-ls[i] / 5, 6));
      });
    });

    it('gradcheck and gradgradcheck pass (logits and labels)', async () => {
      const { logits, labels } = data(3, 4, 9);
      for (const order of [1, 2] as const) {
        const report = await gradcheck((lab, lg) => softmaxCrossEntropy(lab, lg), [labels, logits], { order });
        if (!report.ok) throw new Error(`order ${order}: ${report.reasons.join('; ')}`);
      }
      tf.dispose([logits, labels]);
    });

    (backend === 'wasm' ? it : it.skip)('at first order on wasm, saves labels and logSoftmax without tf\'s copy (no Identity kernel runs; tf\'s clone copies there only), and leaks nothing', async () => {
      const { logits, labels } = data(3, 4, 13);
      const before = tf.memory().numTensors;
      const want = tf.tidy(() => tf.grads((lab: tf.Tensor, lg: tf.Tensor) => tf.losses.softmaxCrossEntropy(lab, lg))([labels, logits]).map((g) => Array.from(g.dataSync())));
      let grads: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        grads = tf.grads((lab: tf.Tensor, lg: tf.Tensor) => softmaxCrossEntropy(lab, lg))([labels, logits]);
        return grads;
      });
      const names = info.kernels.map((k) => k.name);
      expect(names).toContain('TfjsActivations_softmaxCrossEntropy_taped_view');
      expect(names).not.toContain('Identity');
      // The logits gradient is tf's; the labels one is -logSoftmax / rows (tf's is labels - softmax, see above).
      Array.from(grads[1].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[1][i], 6));
      const ls = tf.tidy(() => Array.from(logSoftmax(logits).dataSync()));
      Array.from(grads[0].dataSync()).forEach((v, i) => expect(v).toBeCloseTo(-ls[i] / 3, 6));
      tf.dispose(grads);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([logits, labels]);
    });

    it('checks its arguments; no rows gives NaN', () => {
      const a = tf.ones([2, 3]);
      expect(() => softmaxCrossEntropy(a, tf.ones([3, 2]))).toThrow('softmaxCrossEntropy: labels and logits must have the same shape, got [2,3] and [3,2]');
      expect(() => softmaxCrossEntropy(a, a, 5)).toThrow('softmaxCrossEntropy: axis must be an integer');
      expect(() => softmaxCrossEntropy('x' as unknown as tf.Tensor, a)).toThrow('softmaxCrossEntropy: labels must be a Tensor or a numeric TensorLike');
      expect(() => softmaxCrossEntropy(a, 'x' as unknown as tf.Tensor)).toThrow('softmaxCrossEntropy: logits must be a Tensor or a numeric TensorLike');
      const empty = softmaxCrossEntropy(tf.zeros([0, 3]), tf.zeros([0, 3]));
      expect(Number.isNaN(empty.dataSync()[0])).toBe(true);
      tf.dispose([a, empty]);
    });
  });

  describe('softmaxJacobian', () => {
    it('is diag(s) - s s^T: u^T J equals the VJP, and J matches float64 finite differences of softmax', () => {
      tf.tidy(() => {
        const n = 5;
        const xv = randomRows(2 * n, 2, 51);
        const x = tf.tensor2d(xv, [2, n]);
        const s = softmax(x);
        const j = softmaxJacobian(s);
        expect(j.shape).toEqual([2, n, n]);
        const jv = j.arraySync() as number[][][];
        const u = tf.tensor2d(randomRows(2 * n, 1, 52), [2, n]);
        const vjp = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(softmax(v), u)))(x).arraySync() as number[][];
        const uv = u.arraySync() as number[][];
        for (let r = 0; r < 2; r++) {
          for (let k = 0; k < n; k++) {
            const ujk = uv[r].reduce((acc, ui, i) => acc + ui * jv[r][i][k], 0);
            expect(ujk).toBeCloseTo(vjp[r][k], 6);
            const h = 1e-6;
            const row = Array.from(xv.slice(r * n, r * n + n));
            const plus = softmax64(row.map((v, i) => (i === k ? v + h : v)), n);
            const minus = softmax64(row.map((v, i) => (i === k ? v - h : v)), n);
            for (let i = 0; i < n; i++) expect(jv[r][i][k]).toBeCloseTo((plus[i] - minus[i]) / (2 * h), 6);
          }
        }
        // Another axis: the other dims first, in order.
        expect(softmaxJacobian(tf.ones([3, 4, 2]), 1).shape).toEqual([3, 2, 4, 4]);
      });
    });

    it('refuses Jacobians above the size limit, which the user can raise', () => {
      const s = tf.ones([4, 100]);
      expect(() => softmaxJacobian(s, -1, { maxElements: 1000 })).toThrow('softmaxJacobian: the Jacobians would have 40000 elements, more than maxElements = 1000 (raise it with {maxElements})');
      const j = softmaxJacobian(s, -1, { maxElements: 40000 });
      expect(j.shape).toEqual([4, 100, 100]);
      expect(() => softmaxJacobian(tf.ones([2, 4097]))).toThrow('more than maxElements = 16777216');
      expect(() => softmaxJacobian(s, -1, { maxElements: -1 })).toThrow('softmaxJacobian: option maxElements must be an integer >= 0');
      expect(() => softmaxJacobian(s, -1, { limit: 3 } as unknown as { maxElements: number })).toThrow('softmaxJacobian: unknown option "limit"');
      tf.dispose([s, j]);
    });
  });
});
