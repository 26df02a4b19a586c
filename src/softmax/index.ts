// Row-wise ops (softmax and what builds on it): not elementwise, so not activation definitions.
export { softmax, logSoftmax, softmaxCrossEntropy, softmaxJacobian, SOFTMAX_JACOBIAN_MAX_ELEMENTS } from './ops';
export type { SoftmaxJacobianOptions } from './ops';
