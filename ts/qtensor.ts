/** Validation and normalisation of QTensor / QuantParams, shared by every public function. */
import { ErrorCodes, rangeError, typeError } from './errors';
import type { NativeGranularity } from './native';
import type { QDType, QTensor, QuantParams } from './types';
import {
  checkArray, checkAxis, checkBytes, checkDType, checkInteger, checkScale, checkScales, checkShape, checkZeroPoints, dtypeRange,
} from './validate';

/** A tensor seen as [outer, axisLen, inner] around its quantization axis (the core's ei8_qview). */
export interface QView {
  outer: number;
  axisLen: number;
  inner: number;
  granularity: NativeGranularity;
  groupSize: number;
  axis: number | undefined;
}

/** Where the parameters of a tensor of `shape` live, for the given axis and group size. */
export function makeView(fn: string, shape: number[], axis: unknown, groupSize: unknown): QView {
  if (axis === undefined) {
    if (groupSize !== undefined) throw rangeError(fn, 'groupSize needs an axis (the axis the groups run along)', ErrorCodes.INVALID_SHAPE);
    const count = shape.reduce((p, d) => p * d, 1);
    return { outer: 1, axisLen: 1, inner: count, granularity: 0, groupSize: 0, axis: undefined };
  }
  const a = checkAxis(fn, 'axis', axis, shape.length);
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  if (groupSize === undefined) return { outer, axisLen: shape[a], inner, granularity: 1, groupSize: 0, axis: a };
  const g = checkInteger(fn, 'groupSize', groupSize, 1, 2 ** 31);
  return { outer, axisLen: shape[a], inner, granularity: 2, groupSize: g, axis: a };
}

export function paramCount(v: QView): number {
  if (v.granularity === 0) return 1;
  if (v.granularity === 1) return v.axisLen;
  return v.outer * Math.ceil(v.axisLen / v.groupSize) * v.inner;
}

/**
 * `owner.field` argument names, built once per owner (calls are hot; messages are rare). The last
 * two owners are kept at hand: a matmul call asks for 'a' and 'a.quant' in turn.
 */
const nameCache = new Map<string, Record<string, string>>();
let lastOwner = '', previousOwner = '';
let lastNames: Record<string, string> = {}, previousNames: Record<string, string> = {};
function fieldNames(owner: string): Record<string, string> {
  if (owner === lastOwner) return lastNames;
  let f = owner === previousOwner ? previousNames : nameCache.get(owner);
  if (f === undefined) {
    f = {};
    for (const field of ['data', 'shape', 'quant', 'dtype', 'scale', 'zeroPoint']) f[field] = `${owner}.${field}`;
    nameCache.set(owner, f);
  }
  previousOwner = lastOwner;
  previousNames = lastNames;
  lastOwner = owner;
  lastNames = f;
  return f;
}

/**
 * Per-tensor parameters held by `owner` (e.g. 'a.quant', or 'opts' for given options): a positive
 * finite float32 scale and an in-range zero point.
 */
export function checkTensorParams(fn: string, owner: string, scale: unknown, zeroPoint: unknown, dtype: QDType):
  { scale: number; zeroPoint: number } {
  const f = fieldNames(owner);
  if (typeof scale !== 'number') throw typeError(fn, `${f.scale} must be a number for per-tensor quantization`);
  if (typeof zeroPoint !== 'number') throw typeError(fn, `${f.zeroPoint} must be a number for per-tensor quantization`);
  const s = checkScale(fn, f.scale, scale);
  const f32 = Math.fround(s);
  if (!(f32 > 0) || !Number.isFinite(f32)) {
    throw rangeError(fn, `${f.scale} (${scale}) is not a positive float32`, ErrorCodes.OUT_OF_RANGE);
  }
  const range = dtypeRange(dtype);
  return { scale: s, zeroPoint: checkInteger(fn, f.zeroPoint, zeroPoint, range[0], range[1]) };
}

/** Scales and zero points held by `owner` as arrays of paramCount(view) entries, checked. */
export function checkParams(fn: string, owner: string, scale: unknown, zeroPoint: unknown, dtype: QDType, view: QView):
  { scale: Float32Array; zeroPoint: Int32Array } {
  if (view.granularity === 0) {
    const p = checkTensorParams(fn, owner, scale, zeroPoint, dtype);
    return { scale: Float32Array.of(p.scale), zeroPoint: Int32Array.of(p.zeroPoint) };
  }
  const f = fieldNames(owner);
  const n = paramCount(view);
  const scales = checkArray(fn, f.scale, scale, 'Float32Array', n);
  const zps = checkArray(fn, f.zeroPoint, zeroPoint, 'Int32Array', n);
  checkScales(fn, f.scale, scales);
  checkZeroPoints(fn, f.zeroPoint, zps, dtype);
  return { scale: scales, zeroPoint: zps };
}

/** A QTensor, checked and normalised. */
export interface CheckedQTensor {
  data: Int8Array | Uint8Array;
  shape: number[];
  dtype: QDType;
  count: number;
  view: QView;
  scale: Float32Array;
  zeroPoint: Int32Array;
}

/** The parts of a QTensor every function checks first: data of its dtype, matching its shape. */
export interface QTensorHeader {
  data: Int8Array | Uint8Array;
  shape: number[];
  dtype: QDType;
  count: number;
  quant: Partial<QuantParams>;
}

export function checkQTensorHeader(fn: string, name: string, t: unknown): QTensorHeader {
  if (t === null || typeof t !== 'object') throw typeError(fn, `${name} must be a QTensor { data, shape, quant }`);
  const { data, shape, quant } = t as Partial<QTensor>;
  const f = fieldNames(name);
  if (quant === null || typeof quant !== 'object') throw typeError(fn, `${f.quant} must be an object`);
  const q = quant as Partial<QuantParams>;
  const dtype = checkDType(fn, fieldNames(f.quant).dtype, q.dtype);
  const count = checkShape(fn, f.shape, shape);
  const bytes = checkBytes(fn, f.data, data, dtype, count);
  return { data: bytes, shape: shape as number[], dtype, count, quant: q };
}

export function checkQTensor(fn: string, name: string, t: unknown): CheckedQTensor {
  const h = checkQTensorHeader(fn, name, t);
  const view = makeView(fn, h.shape, h.quant.axis, h.quant.groupSize);
  const params = checkParams(fn, `${name}.quant`, h.quant.scale, h.quant.zeroPoint, h.dtype, view);
  return { data: h.data, shape: h.shape, dtype: h.dtype, count: h.count, view, ...params };
}
