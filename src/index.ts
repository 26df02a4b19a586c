import { builtinOps } from './ops';

// The built-ins' ops, generated from the registry (src/ops.ts) and typed from their specs.
export const { sigmoid, tanh, relu, leakyRelu, gelu, geluTanh, silu, mish, elu, selu, softplus, softsign, relu6, hardSigmoid } = builtinOps;
/** swish is SiLU's other name (tfjs-layers' 'swish'): the same op. */
export const swish = silu;
export const { sigmoidDerivative, tanhDerivative, reluDerivative, leakyReluDerivative, geluDerivative, geluTanhDerivative, siluDerivative, mishDerivative } = builtinOps;
export const { eluDerivative, seluDerivative, softplusDerivative, softsignDerivative, relu6Derivative, hardSigmoidDerivative } = builtinOps;
export const { sigmoidDerivativeFromOutput, tanhDerivativeFromOutput, reluDerivativeFromOutput, leakyReluDerivativeFromOutput, eluDerivativeFromOutput, seluDerivativeFromOutput, softplusDerivativeFromOutput, softsignDerivativeFromOutput } = builtinOps;
export { opFor, derivativeFor, derivativeFromOutputFor } from './ops';
export type { ActivationOp, TensorInput } from './ops';
export { activations, activationNames, builtinActivationNames, isActivationName } from './activations';
export type { ActivationDefinition, ActivationName, ActivationSpec, BuiltinActivationName, SavedTensor, ScalarReference, Tolerance, WatBody, WatForward } from './activations';
export { softmax, logSoftmax, softmaxCrossEntropy, softmaxJacobian, SOFTMAX_JACOBIAN_MAX_ELEMENTS } from './softmax';
export type { SoftmaxJacobianOptions } from './softmax';
export { defineActivation } from './defineActivation';
export type { DefinedActivation } from './defineActivation';
// The expression language definitions are written in.
export * as expr from './expr/ast';
export { kernelName, hasKernel } from './kernels';
// tfjs-layers integration is the 'tfjs-activations/layers' subpath (it needs @tensorflow/tfjs-layers)
// and gradient checking the 'tfjs-activations/gradcheck' subpath, so this entry needs only tfjs-core.
