/**
 * Argument checks shared by the public functions. Each throws a TypeError or RangeError that
 * names the function, the argument and the numbers involved, with a stable code.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import type { QDType } from './types';
import type { Bytes, NativeDType } from './native';

type ArrayKind = 'Int8Array' | 'Uint8Array' | 'Int32Array' | 'Float32Array';
type ArrayOf<K extends ArrayKind> = K extends 'Int8Array' ? Int8Array : K extends 'Uint8Array' ? Uint8Array
  : K extends 'Int32Array' ? Int32Array : Float32Array;

/** The typed-array kind of a value ('Uint8Array' for a Buffer too), or undefined. */
export function arrayKind(value: unknown): string | undefined {
  return ArrayBuffer.isView(value) ? (value as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag] : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  const kind = arrayKind(value);
  if (kind) return kind;
  if (Array.isArray(value)) return 'Array';
  return typeof value;
}

function isDetached(view: ArrayBufferView): boolean {
  const buffer = view.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0) return false;
  // Without ArrayBuffer.prototype.detached (Node 20): a view on a detached buffer cannot be made.
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function isKind(value: unknown, kind: ArrayKind): boolean {
  switch (kind) {
    case 'Int8Array': return value instanceof Int8Array;
    case 'Uint8Array': return value instanceof Uint8Array;
    case 'Int32Array': return value instanceof Int32Array;
    case 'Float32Array': return value instanceof Float32Array;
  }
}

/** `value` must be a typed array of exactly this kind, not detached, of `length` elements if given. */
export function checkArray<K extends ArrayKind>(fn: string, name: string, value: unknown, kind: K, length?: number): ArrayOf<K> {
  // instanceof is the fast test; the tag also accepts arrays from another realm (vm, iframe).
  if (!isKind(value, kind) && arrayKind(value) !== kind) {
    throw typeError(fn, `${name} must be ${kind.startsWith('I') ? 'an' : 'a'} ${kind}, got ${describe(value)}`);
  }
  const view = value as ArrayOf<K>;
  // A detached view has length 0: look closer only when the length is not the expected one.
  if ((length === undefined ? view.length === 0 : view.length !== length) && isDetached(view)) {
    throw typeError(fn, `${name} is detached`, ErrorCodes.DETACHED);
  }
  if (length !== undefined && view.length !== length) {
    throw rangeError(fn, `${name}.length (${view.length}) != ${length}`, ErrorCodes.INVALID_LENGTH);
  }
  return view;
}

export function checkDType(fn: string, name: string, value: unknown): QDType {
  if (value !== 'int8' && value !== 'uint8') {
    if (typeof value !== 'string') throw typeError(fn, `${name} must be 'int8' or 'uint8', got ${describe(value)}`);
    throw rangeError(fn, `${name} must be 'int8' or 'uint8', got '${value}'`, ErrorCodes.OUT_OF_RANGE);
  }
  return value;
}

export function nativeDType(dtype: QDType): NativeDType {
  return dtype === 'int8' ? 0 : 1;
}

const INT8_RANGE: readonly [number, number] = [-128, 127];
const UINT8_RANGE: readonly [number, number] = [0, 255];

export function dtypeRange(dtype: QDType): readonly [number, number] {
  return dtype === 'int8' ? INT8_RANGE : UINT8_RANGE;
}

/** Int8Array for 'int8', Uint8Array for 'uint8'. */
/** The largest |q - z| a value q of dtype can have from any of the zero points z. */
export function maxAbsOffset(dtype: QDType, zeroPoints: Iterable<number>): number {
  const [lo, hi] = dtypeRange(dtype);
  let worst = 0;
  for (const z of zeroPoints) worst = Math.max(worst, z - lo, hi - z);
  return worst;
}

export function checkBytes(fn: string, name: string, value: unknown, dtype: QDType, length?: number): Bytes {
  return checkArray(fn, name, value, dtype === 'int8' ? 'Int8Array' : 'Uint8Array', length);
}

export function checkNumber(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw typeError(fn, `${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw rangeError(fn, `${name} must be finite, got ${value}`, ErrorCodes.NON_FINITE);
  return value;
}

export function checkInteger(fn: string, name: string, value: unknown, lo: number, hi: number): number {
  const v = checkNumber(fn, name, value);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw rangeError(fn, `${name} (${v}) must be an integer in [${lo}, ${hi}]`, ErrorCodes.OUT_OF_RANGE);
  }
  return v;
}

export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(fn, `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** A finite scale > 0. */
export function checkScale(fn: string, name: string, value: unknown): number {
  const v = checkNumber(fn, name, value);
  if (!(v > 0)) throw rangeError(fn, `${name} (${v}) must be > 0`, ErrorCodes.OUT_OF_RANGE);
  return v;
}

export function checkScales(fn: string, name: string, scales: Float32Array): void {
  for (let i = 0; i < scales.length; i++) {
    const s = scales[i];
    if (!Number.isFinite(s)) throw rangeError(fn, `${name}[${i}] must be finite, got ${s}`, ErrorCodes.NON_FINITE);
    if (!(s > 0)) throw rangeError(fn, `${name}[${i}] (${s}) must be > 0`, ErrorCodes.OUT_OF_RANGE);
  }
}

export function checkZeroPoints(fn: string, name: string, zps: Int32Array, dtype: QDType): void {
  const [lo, hi] = dtypeRange(dtype);
  for (let i = 0; i < zps.length; i++) {
    if (zps[i] < lo || zps[i] > hi) {
      throw rangeError(fn, `${name}[${i}] (${zps[i]}) is outside the ${dtype} range [${lo}, ${hi}]`, ErrorCodes.OUT_OF_RANGE);
    }
  }
}

/** Largest element count a shape may have (what a typed array can hold, and safe integers). */
const MAX_ELEMENTS = 2 ** 32;

/** A non-empty array of positive integers; returns the element count. */
export function checkShape(fn: string, name: string, shape: unknown): number {
  if (!Array.isArray(shape)) throw typeError(fn, `${name} must be an array of dimensions, got ${describe(shape)}`);
  if (shape.length === 0) throw rangeError(fn, `${name} must have at least one dimension`, ErrorCodes.INVALID_SHAPE);
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number') throw typeError(fn, `${name}[${i}] must be a number, got ${describe(d)}`);
    if (!Number.isInteger(d) || d < 1) {
      throw rangeError(fn, `${name}[${i}] (${d}) must be a positive integer`, ErrorCodes.INVALID_SHAPE);
    }
    count *= d;
    if (count > MAX_ELEMENTS) throw rangeError(fn, `${name} [${shape.join(', ')}] has too many elements`, ErrorCodes.INVALID_SHAPE);
  }
  return count;
}

/** An axis in [-rank, rank); returns it normalised to [0, rank). */
export function checkAxis(fn: string, name: string, axis: unknown, rank: number): number {
  const a = checkInteger(fn, name, axis, -rank, rank - 1);
  return a < 0 ? a + rank : a;
}

/** The output view must not share memory with an input view (a sync call would read its own output). */
export function checkNoOverlap(fn: string, out: ArrayBufferView, name: string, input: ArrayBufferView | null | undefined): void {
  if (!input || input.buffer !== out.buffer) return;
  const disjoint = input.byteOffset + input.byteLength <= out.byteOffset || out.byteOffset + out.byteLength <= input.byteOffset;
  if (!disjoint) throw rangeError(fn, `out overlaps ${name}`, ErrorCodes.ALIASED);
}

/** Rejects unknown option names (a misspelt option must not be ignored silently). */
export function checkOptions(fn: string, opts: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw typeError(fn, `options must be an object, got ${describe(opts)}`);
  }
  // for-in walks V8's enum cache: Object.keys would allocate an array on every call.
  for (const key in opts) {
    if (!allowed.includes(key) && Object.prototype.hasOwnProperty.call(opts, key)) {
      throw rangeError(fn, `unknown option '${key}' (allowed: ${allowed.join(', ')})`, ErrorCodes.OUT_OF_RANGE);
    }
  }
  return opts as Record<string, unknown>;
}
