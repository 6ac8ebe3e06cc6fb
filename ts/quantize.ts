/** Quantize and dequantize (DESIGN.md section 2), computed by the native reference kernels. */
import { ErrorCodes, rangeError } from './errors';
import { native } from './native';
import { checkParams, checkQTensor, makeView, paramCount } from './qtensor';
import type { QDType, QTensor, QuantParams } from './types';
import { checkArray, checkBoolean, checkBytes, checkDType, checkOptions, checkShape, dtypeRange, nativeDType } from './validate';

export interface QuantizeOptions {
  /** 'int8' (default) or 'uint8'. */
  dtype?: QDType;
  /**
   * Parameters from data: affine (default) maps [min(0, xmin), max(0, xmax)] onto the full range;
   * symmetric uses zero point 0 and scale absmax/127 for int8 (uint8: 128 and 2*absmax/255).
   */
  symmetric?: boolean;
  /** int8 only: quantize into [-127, 127] (TFLite's weight range; needed by some fast kernels). */
  narrow?: boolean;
  /** Per-channel (or per-group) axis; absent = per tensor. Negative counts from the end. */
  axis?: number;
  /** Per-group: runs of groupSize elements along `axis` share parameters. */
  groupSize?: number;
  /** Given parameters instead of parameters from data (number per tensor, Float32Array otherwise). */
  scale?: number | Float32Array;
  /** With `scale`: zero points (number per tensor, Int32Array otherwise); default 0. */
  zeroPoint?: number | Int32Array;
  /** Destination for the integers (Int8Array for int8, Uint8Array for uint8). */
  out?: Int8Array | Uint8Array;
}

const QUANTIZE_OPTIONS = ['dtype', 'symmetric', 'narrow', 'axis', 'groupSize', 'scale', 'zeroPoint', 'out'] as const;

/**
 * q = sat(RNE(x / s) + z, qmin, qmax), per tensor, per channel along `axis`, or per group of
 * `groupSize` along `axis`. Parameters come from the data (min/max) unless given.
 * NaN or +-Infinity in x: RangeError naming the first bad index.
 */
export function quantize(x: Float32Array, shape: number[], opts?: QuantizeOptions): QTensor {
  const fn = 'quantize';
  const o = checkOptions(fn, opts, QUANTIZE_OPTIONS) as QuantizeOptions;
  const count = checkShape(fn, 'shape', shape);
  checkArray(fn, 'x', x, 'Float32Array', count);
  const dtype = o.dtype === undefined ? 'int8' : checkDType(fn, 'dtype', o.dtype);
  const symmetric = o.symmetric === undefined ? false : checkBoolean(fn, 'symmetric', o.symmetric);
  const narrow = o.narrow === undefined ? false : checkBoolean(fn, 'narrow', o.narrow);
  const view = makeView(fn, shape, o.axis, o.groupSize);
  const n = paramCount(view);

  let scale: Float32Array;
  let zeroPoint: Int32Array;
  if (o.scale !== undefined) {
    const zp = o.zeroPoint ?? (view.granularity === 0 ? 0 : new Int32Array(n));
    ({ scale, zeroPoint } = checkParams(fn, 'opts', o.scale, zp, dtype, view));
  } else {
    if (o.zeroPoint !== undefined) throw rangeError(fn, 'zeroPoint was given without scale', ErrorCodes.OUT_OF_RANGE);
    scale = new Float32Array(n);
    zeroPoint = new Int32Array(n);
    native.chooseQParams(x, view.outer, view.axisLen, view.inner, view.granularity, view.groupSize, nativeDType(dtype),
      symmetric, narrow, scale, zeroPoint);
  }
  const [tmin, qmax] = dtypeRange(dtype);
  const qmin = narrow && dtype === 'int8' ? -127 : tmin;
  const out = o.out === undefined ? (dtype === 'int8' ? new Int8Array(count) : new Uint8Array(count))
    : checkBytes(fn, 'out', o.out, dtype, count);
  native.quantize(x, view.outer, view.axisLen, view.inner, view.granularity, view.groupSize, scale, zeroPoint,
    nativeDType(dtype), qmin, qmax, out);

  const quant: QuantParams = view.granularity === 0
    ? { dtype, scale: scale[0], zeroPoint: zeroPoint[0] }
    : { dtype, scale, zeroPoint, axis: view.axis };
  if (view.granularity === 2) quant.groupSize = view.groupSize;
  return { data: out, shape: shape.slice(), quant };
}

/** x = s * (q - z) with the tensor's own parameters. */
export function dequantize(q: QTensor, out?: Float32Array): Float32Array {
  const fn = 'dequantize';
  const t = checkQTensor(fn, 'q', q);
  const dst = out === undefined ? new Float32Array(t.count) : checkArray(fn, 'out', out, 'Float32Array', t.count);
  const v = t.view;
  return native.dequantize(t.data, nativeDType(t.dtype), v.outer, v.axisLen, v.inner, v.granularity, v.groupSize,
    t.scale, t.zeroPoint, dst);
}
