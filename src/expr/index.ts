export * from './ast';
export { renderJs } from './js';
export { renderGlslFunction } from './glsl';
export { renderWgslFunction } from './wgsl';
export { renderWat } from './wat';
export type { WatBody } from './wat';
export { renderTf } from './tf';
