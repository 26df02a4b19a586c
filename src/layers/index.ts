// tfjs-layers integration. The only place in the library that imports @tensorflow/tfjs-layers
// (an optional peer dependency).
export { ActivationLayer, activationLayer } from './layer';
export type { ActivationLayerArgs } from './layer';
export { layerActivation, activationClassName, classNamePrefix } from './identifiers';
export type { LayerActivationIdentifier } from './identifiers';
