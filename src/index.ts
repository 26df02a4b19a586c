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
// tfjs-layers integration is the 'tfjs-activations/layers' subpath (it needs @tensorflow/tfjs-layers)
// and gradient checking the 'tfjs-activations/gradcheck' subpath, so this entry needs only tfjs-core.
