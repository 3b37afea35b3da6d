/**
 * Tiny schema validators for everything that crosses the renderer/backend
 * boundary. Hand-rolled (no dependency) so the renderer bundle, the Electron
 * preload and the server share one definition, and the static type of each
 * request is inferred from its schema (they can never drift apart).
 */

export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}

export type Validator<T> = (value: unknown, at: string) => T;
export type Infer<V> = V extends Validator<infer T> ? T : never;

function fail(at: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ContractError(`${at}: expected ${expected}, got ${got}`);
}

export function str(opts: { max?: number; pattern?: RegExp } = {}): Validator<string> {
  const max = opts.max ?? 256;
  return (v, at) => {
    if (typeof v !== 'string') fail(at, 'a string', v);
    if (v.length > max) throw new ContractError(`${at}: longer than ${max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) throw new ContractError(`${at}: has an unexpected form`);
    return v;
  };
}

export function int(min: number, max: number): Validator<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail(at, 'an integer', v);
    if (v < min || v > max) throw new ContractError(`${at}: must be between ${min} and ${max}`);
    return v;
  };
}

export function num(min: number, max: number): Validator<number> {
  return (v, at) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, 'a number', v);
    if (v < min || v > max) throw new ContractError(`${at}: must be between ${min} and ${max}`);
    return v;
  };
}

export const bool: Validator<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));

export function oneOf<const T extends readonly string[]>(values: T): Validator<T[number]> {
  return (v, at) => {
    if (typeof v !== 'string' || !values.includes(v))
      throw new ContractError(`${at}: must be one of ${values.join(', ')}`);
    return v as T[number];
  };
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (v, at) => (v === undefined ? undefined : inner(v, at));
}

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (v, at) => (v === null ? null : inner(v, at));
}

export function arrayOf<T>(inner: Validator<T>, maxLength: number): Validator<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) fail(at, 'an array', v);
    if (v.length > maxLength) throw new ContractError(`${at}: more than ${maxLength} items`);
    return v.map((item, i) => inner(item, `${at}[${i}]`));
  };
}

type Shape = Record<string, Validator<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/** A plain object with exactly these keys: unknown keys are rejected, not ignored. */
export function obj<S extends Shape>(shape: S): Validator<ObjectOf<S>> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'an object', v);
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) fail(at, 'a plain object', v);
    const input = v as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(shape, key)) throw new ContractError(`${at}: unknown field "${key}"`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = check(input[key], `${at}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as ObjectOf<S>;
  };
}

/** A request with no arguments: `{}` (or nothing at all). */
export const empty: Validator<Record<string, never>> = (v, at) => {
  if (v === undefined || v === null) return {};
  return obj({})(v, at) as Record<string, never>;
};
