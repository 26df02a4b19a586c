import * as tf from '@tensorflow/tfjs';
import * as lib from 'tfjs-activations';
import { activations, derivativeFromOutputFor, opFor } from 'tfjs-activations';
import { ulpDistance } from 'tfjs-activations/gradcheck';
import { NODE_BACKENDS, setBackend } from '../helpers/backends';

/*
 * gelu, geluTanh, silu (swish), mish: what is particular to them (the registry-wide suites run
 * them through every other check): the alias, the helpers that exist and the one that cannot, the
 * issue's forward bound on both Node backends, int32 and bad dtypes.
 */

const FOUR = ['gelu', 'geluTanh', 'silu', 'mish'] as const;

describe('exports', () => {
  beforeAll(() => setBackend('cpu'));

  it('swish is silu, the same op', () => {
    expect(lib.swish).toBe(lib.silu);
  });

  it('root exports: the ops and their derivative helpers', () => {
    for (const name of FOUR) {
      expect(lib[name]).toBe(opFor(name));
      expect(typeof lib[`${name}Derivative`]).toBe('function');
    }
  });

  it.each(FOUR)("%s: no function of the output gives g', so ...DerivativeFromOutput says so", (name) => {
    expect(activations[name].saves(0)).toBe('input');
    expect(() => derivativeFromOutputFor(name)(tf.tensor1d([0.5]))).toThrow(new RegExp(`${name}DerivativeFromOutput: .* use ${name}Derivative\\(z\\)`));
  });

  it("layers names are tfjs-layers' own strings for the same functions", () => {
    expect(FOUR.map((n) => activations[n].layersName)).toEqual(['gelu', 'gelu_new', 'swish', 'mish']);
  });
});

describe.each(NODE_BACKENDS)('on %s', (backend) => {
  beforeAll(() => setBackend(backend));

  // The bound: forward within 4 ulp of float64 where |g| >= 1e-30 and |z| <= 20, over
  // 2^18 evenly spaced float32 values (the cpu kernel test sweeps denser, on cpu).
  it.each(FOUR)('%s: forward within 4 ulp of float64 where |g| >= 1e-30, |z| <= 20', (name) => {
    const n = 1 << 18;
    const z = Float32Array.from({ length: n }, (_, i) => -20 + (40 * i) / (n - 1));
    const got = tf.tidy(() => opFor(name)(tf.tensor1d(z)).dataSync());
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const want = activations[name].reference.value(z[i], 0);
      if (Math.abs(want) >= 1e-30) worst = Math.max(worst, ulpDistance(got[i], want));
    }
    expect(worst).toBeLessThanOrEqual(4);
  });

  it.each(FOUR)('%s: int32 input computes in float32, as for sigmoid and tanh', (name) => {
    const ints = tf.tensor1d([-3, -1, 0, 2, 7], 'int32');
    const y = opFor(name)(ints);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(opFor(name)(tf.cast(ints, 'float32')).dataSync()));
    tf.dispose([ints, y]);
  });

  it.each(FOUR)('%s: bool input is an Error naming the op and the dtype', (name) => {
    const b = tf.tensor1d([1, 0], 'bool');
    expect(() => opFor(name)(b)).toThrow(new RegExp(`^${name}: expected a float32 or int32 tensor, got dtype bool`));
    b.dispose();
  });
});
