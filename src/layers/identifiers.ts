import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { layers } from '@tensorflow/tfjs-layers';
import { activations, isActivationName } from '../activations';
import type { ActivationName } from '../activations';
import { checkAlpha, opFor } from '../ops';
import { lookupName } from '../validate';
import { isRowActivationName, rowActivations } from '../softmax';
import type { RowActivationName } from '../softmax';

/**
 * What a tfjs-layers layer's `activation` field accepts. tfjs types it as a union of its own
 * names; ours are registered class names, so the typed helper below hands them out under this
 * type and users need no casts.
 */
export type LayerActivationIdentifier = NonNullable<Parameters<typeof layers.dense>[0]['activation']>;

/**
 * Prefix of every class name we register: never clashes with tf's 'sigmoid', 'relu', ... It is
 * lower camel case because saving snake-cases a layer's activation string and loading camel-cases
 * it back ('tfjs_activations>leaky_relu' -> 'tfjsActivations>leakyRelu'): our names must be fixed
 * points of that trip, which 'TfjsActivations>' is not.
 */
export const classNamePrefix = 'tfjsActivations>';

/**
 * The registered class name for an activation: `tfjsActivations>sigmoid`, and for leaky ReLU with
 * a non-default alpha `tfjsActivations>leakyRelu(alpha=0.2)`. tfjs-layers serializes a layer's
 * activation as its class name alone (no config), so alpha has to live in the name to survive
 * model.toJSON / save.
 */
export function activationClassName(name: ActivationName | RowActivationName, alpha?: number): string {
  if (isRowActivationName(name)) {
    if (alpha !== undefined) throw new Error(`activationClassName: ${name} takes no alpha`);
    return `${classNamePrefix}${name}`;
  }
  const def = lookupName(activations, name, 'activationClassName');
  const a = checkAlpha(def, alpha, `layerActivation('${name}')`);
  return def.hasAlpha && a !== def.defaultAlpha ? `${classNamePrefix}${name}(alpha=${a})` : `${classNamePrefix}${name}`;
}

/** Inverse of activationClassName for names it produces (canonical alpha spelling only). */
function parseClassName(className: string): { name: ActivationName; alpha: number } | null {
  if (!className.startsWith(classNamePrefix)) return null;
  if (isRowActivationName(className.slice(classNamePrefix.length))) return { name: className.slice(classNamePrefix.length), alpha: 0 };
  const m = /^(\w+)(?:\(alpha=([^()]+)\))?$/.exec(className.slice(classNamePrefix.length));
  if (m == null || !isActivationName(m[1])) return null;
  const def = activations[m[1]];
  if (m[2] === undefined) return { name: def.name, alpha: def.defaultAlpha };
  const alpha = Number(m[2]);
  if (!def.hasAlpha || !Number.isFinite(alpha) || String(alpha) !== m[2] || alpha === def.defaultAlpha) return null;
  return { name: def.name, alpha };
}

/**
 * Registers (once) the Serializable class that tfjs-layers' getActivation() instantiates for this
 * name: it resolves a string through tf.serialization's class registry and calls `apply(x)`.
 */
function ensureRegistered(name: ActivationName, alpha: number, className: string): void {
  if (Object.prototype.hasOwnProperty.call(classNameTarget, className)) return;
  // softmax and logSoftmax over the last axis, as tf's 'softmax' identifier; others take the activation's alpha.
  const op: (x: Tensor, alpha: number) => Tensor = isRowActivationName(name) ? (x) => rowActivations[name](x) : opFor(name);
  const cls = class extends tf.serialization.Serializable {
    static readonly className = className;
    apply(x: Tensor): Tensor {
      return op(x, alpha);
    }
    getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  };
  tf.serialization.registerClass(cls);
}

/**
 * An identifier for any tfjs-layers layer's `activation` field, e.g.
 * `tf.layers.dense({units: 8, activation: layerActivation('leakyRelu', 0.2)})`. It round-trips
 * through model.toJSON / save / tf.loadLayersModel without customObjects, alpha included.
 */
export function layerActivation(name: ActivationName | RowActivationName, alpha?: number): LayerActivationIdentifier {
  if (isRowActivationName(name)) {
    if (alpha !== undefined) throw new Error(`layerActivation('${name}'): ${name} takes no alpha (it works over the last axis; for another, use activationLayer({activation: '${name}', axis}))`);
    const className = activationClassName(name);
    ensureRegistered(name, 0, className);
    return className as LayerActivationIdentifier;
  }
  if (!isActivationName(name)) {
    throw new Error(`layerActivation: unknown activation ${JSON.stringify(name)} (known: ${[...Object.keys(activations), ...Object.keys(rowActivations)].join(', ')})`);
  }
  if (alpha !== undefined && !activations[name].hasAlpha) {
    throw new Error(`layerActivation('${name}'): ${name} takes no alpha`);
  }
  const className = activationClassName(name, alpha);
  ensureRegistered(name, checkAlpha(activations[name], alpha, `layerActivation('${name}')`), className);
  // The string is a registered class name, which is what tfjs-layers resolves at run time; its
  // static type lists only tf's own names.
  return className as LayerActivationIdentifier;
}

// --- Lazy resolution of alpha-carrying names -------------------------------------------------
//
// A saved model may name `tfjsActivations>leakyRelu(alpha=0.3)` in a process that never called
// layerActivation('leakyRelu', 0.3). tfjs-layers looks names up with `className in map` and
// `map[className]` on tf.serialization's class map, so we wrap that map in a Proxy which
// registers any name of ours on first lookup. Every other key passes straight through.

const lazyMarker = Symbol.for('tfjs-activations.lazyClassNames');
const targetKey = Symbol.for('tfjs-activations.classNameTarget');
const serializationMap = tf.serialization.SerializationMap.getMap();
type ClassNameMap = typeof serializationMap.classNameMap;

function resolveLazily(target: ClassNameMap, key: string | symbol): void {
  if (typeof key !== 'string' || !key.startsWith(classNamePrefix)) return;
  if (Object.prototype.hasOwnProperty.call(target, key)) return;
  const parsed = parseClassName(key);
  if (parsed != null) ensureRegistered(parsed.name, parsed.alpha, key);
}

const classNameTarget: ClassNameMap = (() => {
  const current = serializationMap.classNameMap;
  // Another copy of this library (e.g. src and dist in one process) may have wrapped it already.
  if ((current as Record<symbol, unknown>)[lazyMarker] === true) {
    return (current as Record<symbol, ClassNameMap>)[targetKey];
  }
  const target = current;
  serializationMap.classNameMap = new Proxy(target, {
    has(t, key) {
      if (key === lazyMarker) return true;
      resolveLazily(t, key);
      return Reflect.has(t, key);
    },
    get(t, key, receiver) {
      if (key === lazyMarker) return true;
      if (key === targetKey) return t;
      resolveLazily(t, key);
      return Reflect.get(t, key, receiver);
    },
  });
  return target;
})();

// The default-alpha names are registered eagerly, so they resolve even if the Proxy is bypassed.
for (const name of Object.keys(activations) as ActivationName[]) {
  ensureRegistered(name, activations[name].defaultAlpha, activationClassName(name));
}
for (const name of Object.keys(rowActivations) as RowActivationName[]) ensureRegistered(name, 0, activationClassName(name));
