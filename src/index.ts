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
// tfjs-layers integration; importing the package root therefore needs @tensorflow/tfjs-layers
// (an optional peer, part of @tensorflow/tfjs).
export { ActivationLayer, activationLayer, layerActivation, activationClassName, classNamePrefix } from './layers';
export type { ActivationLayerArgs, LayerActivationIdentifier } from './layers';
// Gradient checking: gradcheck for any function of tensors, and verdicts on our ops.
export * from './gradcheck';
