/**
 * How much a quantized tensor differs from the original. With e = x - x^ (x^ the dequantized values,
 * computed in float64 from the float32 values):
 *   sqnr        = 10 log10(sum x^2 / sum e^2) in dB  (Infinity when e = 0; -Infinity when x = 0 and e != 0)
 *   maxAbsError = max |e|
 *   cosine      = sum x x^ / (|x| |x^|)              (1 when both are 0, 0 when only one is)
 *   mse         = mean e^2
 * overall, and per channel along an axis.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { dequantizeCodebook, dequantizeLog2, type CodebookTensor, type Log2Tensor } from './nonlinear';
import { dequantize } from './quantize';
import type { QTensor } from './types';
import { arrayKind, checkArray, checkAxis, checkOptions, checkShape } from './validate';

export interface ErrorStats {
  sqnr: number;
  maxAbsError: number;
  cosine: number;
  mse: number;
}

export interface PerChannelErrorStats {
  axis: number;
  sqnr: Float64Array;
  maxAbsError: Float64Array;
  cosine: Float64Array;
  mse: Float64Array;
}

export interface QuantizationErrorResult extends ErrorStats {
  /** Present when an axis applies: the option, else the tensor's own per-channel axis. */
  perChannel?: PerChannelErrorStats;
}

export interface QuantizationErrorOptions {
  /** Per-channel statistics along this axis (default: a per-channel tensor's own axis). */
  axis?: number;
  /** The shape, when q is a Float32Array of reconstructed values (needed for an axis). */
  shape?: number[];
}

type Approximation = QTensor | CodebookTensor | Log2Tensor | Float32Array;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

function reconstruct(fn: string, q: Approximation): { values: Float32Array; shape?: number[]; axis?: number } {
  if (arrayKind(q) === 'Float32Array') return { values: q as Float32Array };
  if (!isObject(q)) throw typeError(fn, 'q must be a QTensor, CodebookTensor, Log2Tensor or Float32Array');
  if ('codes' in q) {
    const t = q as Log2Tensor;
    return { values: dequantizeLog2(t), shape: t.shape, axis: t.axis };
  }
  if ('indices' in q) {
    const t = q as CodebookTensor;
    return { values: dequantizeCodebook(t), shape: t.shape, axis: t.codebook?.groupSize === undefined ? t.codebook?.axis : undefined };
  }
  const t = q as QTensor;
  return { values: dequantize(t), shape: t.shape, axis: t.quant?.groupSize === undefined ? t.quant?.axis : undefined };
}

class Accumulator {
  xx = 0;
  ee = 0;
  yy = 0;
  xy = 0;
  maxAbs = 0;
  n = 0;

  add(x: number, y: number): void {
    const e = x - y;
    this.xx += x * x;
    this.ee += e * e;
    this.yy += y * y;
    this.xy += x * y;
    this.maxAbs = Math.max(this.maxAbs, Math.abs(e));
    this.n++;
  }

  stats(): ErrorStats {
    const sqnr = this.ee === 0 ? Infinity : this.xx === 0 ? -Infinity : 10 * Math.log10(this.xx / this.ee);
    let cosine: number;
    if (this.xx === 0 && this.yy === 0) cosine = 1;
    else if (this.xx === 0 || this.yy === 0) cosine = 0;
    else cosine = this.xy / Math.sqrt(this.xx * this.yy);
    return { sqnr, maxAbsError: this.maxAbs, cosine, mse: this.n ? this.ee / this.n : 0 };
  }
}

/** Error statistics of q against the original x (see the module comment). */
export function quantizationError(x: Float32Array, q: Approximation, opts?: QuantizationErrorOptions): QuantizationErrorResult {
  const fn = 'quantizationError';
  const o = checkOptions(fn, opts, ['axis', 'shape']) as QuantizationErrorOptions;
  checkArray(fn, 'x', x, 'Float32Array');
  const r = reconstruct(fn, q);
  if (r.values.length !== x.length) throw rangeError(fn, `q has ${r.values.length} values, x has ${x.length}`, ErrorCodes.INVALID_LENGTH);
  let shape = r.shape;
  if (o.shape !== undefined) {
    const count = checkShape(fn, 'shape', o.shape);
    if (count !== x.length) throw rangeError(fn, `shape [${o.shape.join(', ')}] has ${count} elements, x has ${x.length}`, ErrorCodes.INVALID_LENGTH);
    shape = o.shape;
  }
  const axisOpt = o.axis ?? r.axis;
  const overall = new Accumulator();
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw rangeError(fn, `x[${i}] is ${x[i]}`, ErrorCodes.NON_FINITE);
    overall.add(x[i], r.values[i]);
  }
  const result: QuantizationErrorResult = overall.stats();
  if (axisOpt === undefined) return result;
  if (shape === undefined) throw typeError(fn, 'an axis needs opts.shape when q is a Float32Array');
  const axis = checkAxis(fn, 'axis', axisOpt, shape.length);
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const acc = Array.from({ length: channels }, () => new Accumulator());
  for (let i = 0; i < x.length; i++) acc[Math.floor(i / inner) % channels].add(x[i], r.values[i]);
  const per = acc.map((a) => a.stats());
  result.perChannel = {
    axis,
    sqnr: Float64Array.from(per, (s) => s.sqnr),
    maxAbsError: Float64Array.from(per, (s) => s.maxAbsError),
    cosine: Float64Array.from(per, (s) => s.cosine),
    mse: Float64Array.from(per, (s) => s.mse),
  };
  return result;
}
