/**
 * erf in float64 for tests (the oracle, independent of the library's float32 expansion): the
 * float64 references' own (src/activations/float64.ts), which no kernel runs.
 */
export { erf } from '../../src/activations/float64';
