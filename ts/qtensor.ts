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

/** Scales and zero points as arrays of paramCount(view) entries, checked. */
export function checkParams(fn: string, name: string, scale: unknown, zeroPoint: unknown, dtype: QDType, view: QView):
  { scale: Float32Array; zeroPoint: Int32Array } {
  const n = paramCount(view);
  let scales: Float32Array;
  let zps: Int32Array;
  if (view.granularity === 0) {
    if (typeof scale !== 'number') throw typeError(fn, `${name}.scale must be a number for per-tensor quantization`);
    if (typeof zeroPoint !== 'number') throw typeError(fn, `${name}.zeroPoint must be a number for per-tensor quantization`);
    scales = Float32Array.of(checkScale(fn, `${name}.scale`, scale));
    const [lo, hi] = dtypeRange(dtype);
    zps = Int32Array.of(checkInteger(fn, `${name}.zeroPoint`, zeroPoint, lo, hi));
    if (!(scales[0] > 0) || !Number.isFinite(scales[0])) {
      throw rangeError(fn, `${name}.scale (${scale}) is not a positive float32`, ErrorCodes.OUT_OF_RANGE);
    }
    return { scale: scales, zeroPoint: zps };
  }
  scales = checkArray(fn, `${name}.scale`, scale, 'Float32Array', n);
  zps = checkArray(fn, `${name}.zeroPoint`, zeroPoint, 'Int32Array', n);
  checkScales(fn, `${name}.scale`, scales);
  checkZeroPoints(fn, `${name}.zeroPoint`, zps, dtype);
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

export function checkQTensor(fn: string, name: string, t: unknown): CheckedQTensor {
  if (t === null || typeof t !== 'object') throw typeError(fn, `${name} must be a QTensor { data, shape, quant }`);
  const { data, shape, quant } = t as Partial<QTensor>;
  if (quant === null || typeof quant !== 'object') throw typeError(fn, `${name}.quant must be an object`);
  const q = quant as Partial<QuantParams>;
  const dtype = checkDType(fn, `${name}.quant.dtype`, q.dtype);
  const count = checkShape(fn, `${name}.shape`, shape);
  const bytes = checkBytes(fn, `${name}.data`, data, dtype, count);
  const view = makeView(fn, shape as number[], q.axis, q.groupSize);
  const params = checkParams(fn, `${name}.quant`, q.scale, q.zeroPoint, dtype, view);
  return { data: bytes, shape: shape as number[], dtype, count, view, ...params };
}
