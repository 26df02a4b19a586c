/*
 * Argument validation shared by every public function: each failure is an Error that names the
 * function, the argument and what it accepts (DESIGN.md, Conventions), never a TypeError from
 * deep inside nor a silent wrong answer. Also the `tfjs-activations/validate` subpath, so tools
 * built on the library (tfjs-activations-bench) check their options the same way.
 */

/** A value in words for messages: numbers as themselves, strings quoted, else the type. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return `the boolean ${value}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}

/** An own property of a record: inherited names ('toString', 'constructor') are not entries. */
export function ownEntry<T>(record: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** The record's entry for `name`, or an Error naming `fn` and the known names. */
export function lookupName<T>(record: Readonly<Record<string, T>>, name: unknown, fn: string): T {
  const entry = ownEntry(record, name);
  if (entry === undefined) {
    const shown = typeof name === 'string' ? JSON.stringify(name) : describe(name);
    throw new Error(`${fn}: unknown activation ${shown} (known: ${Object.keys(record).join(', ')})`);
  }
  return entry;
}

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A number that stays finite when the kernels round it to float32 (1e39 is a finite double but
 * +Infinity as a float32, which would make every output +-Infinity or NaN without a word).
 */
export function isFiniteFloat32(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(Math.fround(v)) && Math.abs(v) <= FLOAT32_MAX;
}

/** An options argument (or the option `what` holding one): undefined (all defaults) or a plain object. */
export function checkOptionsObject(fn: string, options: unknown, what = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${fn}: ${what} must be an object (or omitted), got ${describe(options)}`);
  }
  return options as Record<string, unknown>;
}

/** Throws for keys of `options` that `known` does not list (a misspelled option is a silent default otherwise). */
export function checkKnownKeys(fn: string, options: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${fn}: unknown option ${JSON.stringify(key)} (known: ${known.join(', ')})`);
  }
}

/** What a numeric option accepts. */
export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** Lower bound; `minExclusive` makes it strict. */
  min?: number;
  minExclusive?: boolean;
  max?: number;
}

function ruleText(rule: NumberRule): string {
  const kind = rule.integer === true ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`${rule.minExclusive === true ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.length > 0 ? `${kind} ${parts.join(' and ')}` : kind;
}

/** Checks one numeric option; undefined passes (the default applies). */
export function checkNumberOption(fn: string, name: string, value: unknown, rule: NumberRule): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.integer !== true || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.minExclusive === true ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new Error(`${fn}: option ${name} must be ${ruleText(rule)}, got ${describe(value)}`);
}

/** Checks an option that must be one of a few values; undefined passes. */
export function checkChoiceOption(fn: string, name: string, value: unknown, choices: readonly unknown[]): void {
  if (value === undefined || choices.includes(value)) return;
  throw new Error(`${fn}: option ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(value)}`);
}

/** Checks an option that must be an array whose items pass `item`; undefined passes. */
export function checkArrayOption(
  fn: string,
  name: string,
  value: unknown,
  accepts: string,
  item: (v: unknown) => boolean,
  options: { nonEmpty?: boolean; unique?: boolean } = {},
): void {
  if (value === undefined) return;
  const ok =
    Array.isArray(value) &&
    (options.nonEmpty !== true || value.length > 0) &&
    value.every(item) &&
    (options.unique !== true || new Set(value).size === value.length);
  if (!ok) throw new Error(`${fn}: option ${name} must be ${accepts}, got ${Array.isArray(value) ? JSON.stringify(value) : describe(value)}`);
}

/** A number argument (ulp helpers, seeds): a TypeError-free Error for anything else. */
export function checkNumberArg(fn: string, name: string, value: unknown, rule: NumberRule = {}): void {
  if (value === undefined) throw new Error(`${fn}: ${name} must be ${ruleText(rule)}, got undefined`);
  try {
    checkNumberOption(fn, name, value, rule);
  } catch {
    throw new Error(`${fn}: ${name} must be ${ruleText(rule)}, got ${describe(value)}`);
  }
}

/** An object argument that has the named fields (a report, a definition), or an Error naming what it should be. */
export function checkObjectArg(fn: string, name: string, value: unknown, what: string, fields: readonly string[]): void {
  const ok = value !== null && typeof value === 'object' && fields.every((f) => f in (value as object));
  if (!ok) throw new Error(`${fn}: ${name} must be ${what}, got ${describe(value)}`);
}

/** A kernel pass argument. */
export function checkPass(fn: string, pass: unknown): void {
  if (pass !== 'forward' && pass !== 'backward') throw new Error(`${fn}: pass must be 'forward' or 'backward', got ${describe(pass)}`);
}
