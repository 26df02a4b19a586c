export {
  sigmoid,
  tanh,
  relu,
  leakyRelu,
  sigmoidDerivative,
  tanhDerivative,
  reluDerivative,
  leakyReluDerivative,
  sigmoidDerivativeFromOutput,
  tanhDerivativeFromOutput,
  reluDerivativeFromOutput,
  leakyReluDerivativeFromOutput,
  opFor,
  derivativeFor,
  derivativeFromOutputFor,
} from './ops';
export type { ActivationOp, TensorInput } from './ops';
export { activations, activationNames, isActivationName } from './activations';
export type { ActivationDefinition, ActivationName, ElementwiseSource, SavedTensor, ScalarReference } from './activations';
export { kernelName, hasKernel } from './kernels';
// Gradient checking: gradcheck for any function of tensors, and verdicts on our ops.
export * from './gradcheck';
