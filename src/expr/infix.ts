import type { BinaryOp, CompareOp } from './ast';

/** The operators JS, GLSL and WGSL spell alike: arithmetic and comparisons, parenthesized. */
export const infix: Record<Exclude<BinaryOp, 'min' | 'max'>, string> = { add: '+', sub: '-', mul: '*', div: '/' };
export const compareSymbol: Record<CompareOp, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };
