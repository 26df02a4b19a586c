import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

// Set per jest project (jest.config.ts): the tfjs line this run's modules must come from.
declare const EXPECTED_TFJS: string;

test(`the library's tests run against tfjs ${EXPECTED_TFJS}`, () => {
  expect(tf.version_core).toBe(EXPECTED_TFJS);
  expect(tfl.version_layers).toBe(EXPECTED_TFJS);
});
