import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { activations, isActivationName } from '../activations';
import type { ActivationName } from '../activations';
import { checkAlpha, opFor } from '../ops';
import { describe } from '../validate';
import { isRowActivationName, rowActivations } from '../softmax';
import type { RowActivationName } from '../softmax';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
type Kwargs = Parameters<layers.Layer['call']>[1];
type Shape = Parameters<layers.Layer['computeOutputShape']>[0];

export interface ActivationLayerArgs extends LayerArgs {
  /** Which of our activations: 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu', or the row-wise 'softmax' | 'logSoftmax'. */
  activation: ActivationName | RowActivationName;
  /** leaky ReLU's slope for x <= 0 (default 0.01); only leakyRelu takes it. */
  alpha?: number;
  /** The axis softmax and logSoftmax work over (default -1); only they take it. */
  axis?: number;
}

/**
 * A layer that applies one of our activations (fused hand-written gradient) to its input, like
 * tf.layers.activation does with tf's. Its config carries `activation` and `alpha`, and the class
 * is registered, so models using it save and load without customObjects.
 */
export class ActivationLayer extends layers.Layer {
  static readonly className = 'TfjsActivationLayer';
  readonly activation: ActivationName | RowActivationName;
  readonly alpha: number;

  /** softmax's and logSoftmax's axis (null for the elementwise activations). */
  readonly axis: number | null;

  constructor(args: ActivationLayerArgs) {
    super(argsObject(args));
    if (isRowActivationName(args.activation)) {
      if (args.alpha !== undefined) throw new Error(`activationLayer: ${args.activation} takes no alpha`);
      const axis = args.axis ?? -1;
      if (!Number.isInteger(axis)) throw new Error(`activationLayer: axis must be an integer, got ${describe(args.axis)}`);
      this.activation = args.activation;
      this.alpha = 0;
      this.axis = axis;
      this.supportsMasking = true;
      return;
    }
    if (args.axis !== undefined) throw new Error(`activationLayer: ${String(args.activation)} takes no axis (only softmax and logSoftmax do)`);
    this.axis = null;
    if (!isActivationName(args.activation)) {
      throw new Error(
        `activationLayer: activation must be one of ${[...Object.keys(activations), ...Object.keys(rowActivations)].join(', ')}, got ${JSON.stringify(args?.activation)}`,
      );
    }
    const def = activations[args.activation];
    if (args.alpha !== undefined && !def.hasAlpha) {
      throw new Error(`activationLayer: ${def.name} takes no alpha`);
    }
    this.activation = def.name;
    this.alpha = checkAlpha(def, args.alpha, 'activationLayer');
    this.supportsMasking = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    this.invokeCallHook(inputs, kwargs);
    const x = Array.isArray(inputs) ? exactlyOne(inputs) : inputs;
    if (isRowActivationName(this.activation)) return rowActivations[this.activation](x, this.axis ?? -1);
    return opFor(this.activation)(x, this.alpha);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: tf.serialization.ConfigDict = { activation: this.activation };
    if (this.axis != null) own.axis = this.axis;
    else if (activations[this.activation].hasAlpha) own.alpha = this.alpha;
    return { ...super.getConfig(), ...own };
  }
}
// className is also the default layer name's stem, so it must be a valid tensor name (no '>').
tf.serialization.registerClass(ActivationLayer, 'TfjsActivations');

/** tfjs-layers' Layer reads args' fields before we could: null would be its TypeError. */
function argsObject(args: unknown): ActivationLayerArgs {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new Error(`activationLayer: args must be an object such as {activation: 'sigmoid'}, got ${describe(args)}`);
  }
  return args as ActivationLayerArgs;
}

function exactlyOne(inputs: Tensor[]): Tensor {
  if (inputs.length !== 1) throw new Error(`activationLayer: expected exactly one input tensor, got ${inputs.length}`);
  return inputs[0];
}

/** `activationLayer({activation: 'leakyRelu', alpha: 0.2})`, like tf.layers.activation(...). */
export function activationLayer(args: ActivationLayerArgs): ActivationLayer {
  return new ActivationLayer(args);
}
