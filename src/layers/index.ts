// tfjs-layers integration. The only place in the library that imports @tensorflow/tfjs-layers
// (not a declared peer: it comes with @tensorflow/tfjs).
export { ActivationLayer, activationLayer } from './layer';
export type { ActivationLayerArgs } from './layer';
export { layerActivation, activationClassName, classNamePrefix } from './identifiers';
export type { LayerActivationIdentifier } from './identifiers';
export { tfDenseWithActivation } from './builtin';
