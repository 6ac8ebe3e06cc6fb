/**
 * Quantized matmul: C = A x B with A [M, K] quantized per tensor (or f32, quantized on the fly) and
 * B packed by packWeights(). Every function has an ...Async twin that computes on a worker
 * thread and resolves with the same result. Calls that run in less time than the trip to a worker
 * costs (about 30 us) run on the calling thread instead and return a settled promise: the run times
 * of the last calls of the same weights, shape and output kind on this thread decide, and before
 * there are any, the size (at most 2^20 multiply-adds, M x K x N, run inline and are measured).
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { dequantParams, f32Params, int32Params, requantParams, type NativeMatmul } from './native';
import { checkQTensorHeader, checkTensorParams } from './qtensor';
import type { QDType, QTensor, Rounding } from './types';
import {
  checkArray, checkBoolean, checkBytes, checkDType, checkInteger, checkNoOverlap, checkOptions, checkScale,
  checkShape, dtypeRange, nativeDType,
} from './validate';
import { checkWeights, type Weights } from './sparse';

const INT32_MAX = 2 ** 31 - 1;

/**
 * @internal What the matmul calls read of their weights, checked and not disposed: PackedWeights,
 * SparseWeights, CodebookWeights. One implementation of validation and call for all of them.
 */
export interface MatmulWeights {
  readonly k: number;
  readonly n: number;
  readonly groupSize: number;
  readonly scale: Float32Array;
  readonly maxAbsB: number;
  /** The id of the native weights, or a DISPOSED TypeError naming `fn`. */
  handle(fn: string): number;
  /** The native functions that take handle(). */
  nativeMatmul(): NativeMatmul;
}

/** Largest K for which sum_k (A - za)(B - zb) cannot overflow int32 for these zero points. */
export function maxExactK(aDtype: QDType, aZeroPoint: number, b: { readonly maxAbsB: number }): number {
  const [lo, hi] = dtypeRange(aDtype);
  const worst = Math.max(aZeroPoint - lo, hi - aZeroPoint) * b.maxAbsB;
  return worst === 0 ? Infinity : Math.floor(INT32_MAX / worst);
}

interface Activations {
  data: Int8Array | Uint8Array;
  dtype: QDType;
  zeroPoint: number;
  scale: number;
  m: number;
  shape: number[];
}

/** The output shape [...a.shape[:-1], n]. */
function outShape(a: Activations, n: number): number[] {
  const s = a.shape.slice();
  s[s.length - 1] = n;
  return s;
}

/** `reduced`: the length one int32 sum runs over (K, or the group size for grouped f32 output). */
function checkKBound(fn: string, dtype: QDType, zeroPoint: number, b: MatmulWeights, reduced: number): void {
  const bound = maxExactK(dtype, zeroPoint, b);
  if (reduced > bound) {
    throw rangeError(fn, `k (${reduced}) exceeds ${bound}, the largest K for which the int32 accumulator cannot overflow ` +
      `with a zero point ${zeroPoint} (${dtype}) and b's zero points`, ErrorCodes.K_TOO_LARGE);
  }
}

// Kept free of allocations: it runs on every call, and small shapes are dominated by call cost.
function checkActivations(fn: string, a: unknown, b: MatmulWeights, reduced: number): Activations {
  const t = checkQTensorHeader(fn, 'a', a);
  if (t.quant.axis !== undefined || t.quant.groupSize !== undefined) {
    throw rangeError(fn, 'a must be quantized per tensor (a.quant.axis must be absent)', ErrorCodes.INVALID_SHAPE);
  }
  const p = checkTensorParams(fn, 'a.quant', t.quant.scale, t.quant.zeroPoint, t.dtype);
  const k = t.shape[t.shape.length - 1];
  if (k !== b.k) {
    throw rangeError(fn, `a.shape[${t.shape.length - 1}] (${k}) != b.k (${b.k})`, ErrorCodes.INVALID_SHAPE);
  }
  checkKBound(fn, t.dtype, p.zeroPoint, b, reduced);
  return { data: t.data, dtype: t.dtype, zeroPoint: p.zeroPoint, scale: p.scale, m: t.count / k, shape: t.shape };
}

function outInt32(fn: string, out: unknown, length: number): Int32Array {
  return out === undefined ? new Int32Array(length) : checkArray(fn, 'out', out, 'Int32Array', length);
}

function outFloat32(fn: string, out: unknown, length: number): Float32Array {
  return out === undefined ? new Float32Array(length) : checkArray(fn, 'out', out, 'Float32Array', length);
}

// ---------------------------------------------------------------------------------- int32 ----

/** @internal */
export function int32Call(fn: string, a: QTensor, w: MatmulWeights, out: Int32Array | undefined, async: boolean) {
  const act = checkActivations(fn, a, w, w.k);
  const dst = outInt32(fn, out, act.m * w.n);
  if (out !== undefined) checkNoOverlap(fn, dst, 'a.data', act.data);
  return w.nativeMatmul().matmulInt32(act.data, w.handle(fn), dst,
    int32Params(nativeDType(act.dtype), act.zeroPoint, act.m, w.k, async));
}

/**
 * C[m, n] = sum_k (A[m, k] - za) * (B[k, n] - zb[n]), exact int32 (ONNX MatMulInteger).
 * A may have any rank; its last dimension is K and the leading ones are flattened into M.
 */
export function matmulInt32(a: QTensor, b: Weights, out?: Int32Array): Int32Array {
  return int32Call('matmulInt32', a, checkWeights('matmulInt32', 'b', b), out, false) as Int32Array;
}

/** matmulInt32 computed off the JS thread (small calls inline, see the module comment). */
export function matmulInt32Async(a: QTensor, b: Weights, out?: Int32Array): Promise<Int32Array> {
  return settled(() => int32Call('matmulInt32Async', a, checkWeights('matmulInt32Async', 'b', b), out, true));
}

/**
 * @internal The promise `call` returns, or what it throws as a rejected promise. An async function
 * would wrap the native promise in one more, which settles two microtask ticks later.
 */
export function settled<T>(call: () => T | Promise<T>): Promise<T> {
  try {
    return call() as Promise<T>;
  } catch (e) {
    return Promise.reject(e);
  }
}

// ------------------------------------------------------------------------------ requantize ----

export interface OutputQuant {
  scale: number;
  zeroPoint: number;
  /** Default 'int8'. */
  dtype?: QDType;
}

export interface MatmulOptions {
  /** Output quantization. */
  output: OutputQuant;
  /** int32 per output column, added to the accumulator before requantization (scale sa*sb[n]). */
  bias?: Int32Array;
  /** Fused activation: clamp [lo, hi] inside the output range (e.g. ReLU = [zeroPoint, 127]). */
  clamp?: [number, number];
  /** 'float' (default, onnxruntime QLinearMatMul) or 'fixedpoint' (TFLite). */
  rounding?: Rounding;
  out?: Int8Array | Uint8Array;
}

/** @internal */
export function requantCall(fn: string, a: QTensor, w: MatmulWeights, opts: MatmulOptions, async: boolean) {
  if (opts === undefined) throw typeError(fn, 'opts { output: { scale, zeroPoint } } is required');
  const o = checkOptions(fn, opts, ['output', 'bias', 'clamp', 'rounding', 'out']) as unknown as MatmulOptions;
  if (w.groupSize !== 0) {
    throw rangeError(fn, 'b has per-group scales: requantized output needs one scale per column (use the F32 or Dequantize ' +
      'variant)', ErrorCodes.INVALID_SHAPE);
  }
  const act = checkActivations(fn, a, w, w.k);
  if (o.output === undefined) throw typeError(fn, 'opts.output { scale, zeroPoint } is required');
  const output = checkOptions(fn, o.output, ['scale', 'zeroPoint', 'dtype']) as Partial<OutputQuant>;
  const outDtype = output.dtype === undefined ? 'int8' : checkDType(fn, 'output.dtype', output.dtype);
  const [lo, hi] = dtypeRange(outDtype);
  const outScale = checkScale(fn, 'output.scale', output.scale);
  const outZp = checkInteger(fn, 'output.zeroPoint', output.zeroPoint, lo, hi);
  const rounding = o.rounding ?? 'float';
  if (rounding !== 'float' && rounding !== 'fixedpoint') {
    throw rangeError(fn, `rounding must be 'float' or 'fixedpoint', got ${String(rounding)}`, ErrorCodes.OUT_OF_RANGE);
  }
  let clampLo = lo;
  let clampHi = hi;
  if (o.clamp !== undefined) {
    if (!Array.isArray(o.clamp) || o.clamp.length !== 2) throw typeError(fn, 'clamp must be [lo, hi]');
    clampLo = checkInteger(fn, 'clamp[0]', o.clamp[0], lo, hi);
    clampHi = checkInteger(fn, 'clamp[1]', o.clamp[1], lo, hi);
    if (clampLo > clampHi) throw rangeError(fn, `clamp [${clampLo}, ${clampHi}] is empty`, ErrorCodes.OUT_OF_RANGE);
  }
  const bias = o.bias === undefined ? null : checkArray(fn, 'bias', o.bias, 'Int32Array', w.n);
  const count = act.m * w.n;
  const dst = o.out === undefined ? (outDtype === 'int8' ? new Int8Array(count) : new Uint8Array(count))
    : checkBytes(fn, 'out', o.out, outDtype, count);
  checkNoOverlap(fn, dst, 'a.data', act.data);
  checkNoOverlap(fn, dst, 'bias', bias);
  const params = requantParams(nativeDType(act.dtype), act.zeroPoint, act.m, w.k, act.scale, outScale, outZp,
    nativeDType(outDtype), rounding === 'float' ? 0 : 1, clampLo, clampHi, async);
  // The native call refuses a multiplier a.scale * b.scale[n] / output.scale that is not finite
  // (the only range error left after these checks); its error is then replaced by one naming n.
  let result: Int8Array | Uint8Array | Promise<Int8Array | Uint8Array>;
  try {
    result = w.nativeMatmul().matmulRequant(act.data, w.handle(fn), dst, bias, params);
  } catch (e) {
    throw multiplierError(fn, e, act.scale, w.scale, outScale, rounding);
  }
  const shape = outShape(act, w.n);
  const quant = { dtype: outDtype, scale: outScale, zeroPoint: outZp };
  if (!async) return { data: result as Int8Array | Uint8Array, shape, quant };
  return (result as Promise<Int8Array | Uint8Array>).then((data): QTensor => ({ data, shape, quant }),
    (e: unknown) => { throw multiplierError(fn, e, act.scale, w.scale, outScale, rounding); });
}

/**
 * `e`, or for a native OUT_OF_RANGE error the error naming the first column whose multiplier is not
 * finite, computed in float32 as the core does (in double for 'fixedpoint').
 */
function multiplierError(fn: string, e: unknown, aScale: number, bScale: Float32Array, outScale: number,
  rounding: Rounding): unknown {
  if (!(e instanceof RangeError) || (e as { code?: string }).code !== ErrorCodes.OUT_OF_RANGE) return e;
  const sa = Math.fround(aScale);
  const sy = Math.fround(outScale);
  for (let n = 0; n < bScale.length; n++) {
    const real = rounding === 'float' ? Math.fround(Math.fround(sa * bScale[n]) / sy) : (sa * bScale[n]) / sy;
    if (!Number.isFinite(real)) {
      return rangeError(fn, `a.scale * b.scale[${n}] / output.scale (${aScale} * ${bScale[n]} / ${outScale}) is not finite`,
        ErrorCodes.OUT_OF_RANGE);
    }
  }
  return e;
}

/**
 * Requantized matmul: y[m, n] = sat(round(acc * sa * sb[n] / sy) + zy) with acc the int32 result
 * (plus bias), rounded as onnxruntime's QLinearMatMul ('float') or TFLite ('fixedpoint'), then
 * clamped to `clamp`. Returns the output QTensor [..., N].
 */
export function matmul(a: QTensor, b: Weights, opts: MatmulOptions): QTensor {
  return requantCall('matmul', a, checkWeights('matmul', 'b', b), opts, false) as QTensor;
}

export function matmulAsync(a: QTensor, b: Weights, opts: MatmulOptions): Promise<QTensor> {
  return settled(() => requantCall('matmulAsync', a, checkWeights('matmulAsync', 'b', b), opts, true));
}

// ------------------------------------------------------------------------------ float out ----

export interface DequantizeOptions {
  /** f32 per output column, added last. */
  bias?: Float32Array;
  out?: Float32Array;
}

/** @internal */
export function dequantCall(fn: string, a: QTensor, w: MatmulWeights, opts: DequantizeOptions | undefined, async: boolean) {
  const o = checkOptions(fn, opts, ['bias', 'out']) as DequantizeOptions;
  const act = checkActivations(fn, a, w, w.groupSize || w.k);
  const bias = o.bias === undefined ? null : checkArray(fn, 'bias', o.bias, 'Float32Array', w.n);
  const dst = outFloat32(fn, o.out, act.m * w.n);
  checkNoOverlap(fn, dst, 'a.data', act.data);
  checkNoOverlap(fn, dst, 'bias', bias);
  return w.nativeMatmul().matmulDequant(act.data, w.handle(fn), dst, bias,
    dequantParams(nativeDType(act.dtype), act.zeroPoint, act.m, w.k, act.scale, async));
}

/**
 * Float output: y[m, n] = fl32(acc) * fl32(sa * sb[n]) + bias[n]. Grouped weights sum the scaled
 * int32 group results in f32, in group order.
 */
export function matmulDequantize(a: QTensor, b: Weights, opts?: DequantizeOptions): Float32Array {
  return dequantCall('matmulDequantize', a, checkWeights('matmulDequantize', 'b', b), opts, false) as Float32Array;
}

export function matmulDequantizeAsync(a: QTensor, b: Weights, opts?: DequantizeOptions): Promise<Float32Array> {
  return settled(() => dequantCall('matmulDequantizeAsync', a, checkWeights('matmulDequantizeAsync', 'b', b), opts, true));
}

export interface MatmulF32Options {
  bias?: Float32Array;
  /** Quantize A per row (true, default: per token, better accuracy) or per tensor (onnxruntime). */
  perToken?: boolean;
  out?: Float32Array;
}

/** @internal */
export function f32Call(fn: string, a: Float32Array, shape: number[], w: MatmulWeights, opts: MatmulF32Options | undefined,
  async: boolean) {
  const o = checkOptions(fn, opts, ['bias', 'perToken', 'out']) as MatmulF32Options;
  const count = checkShape(fn, 'shape', shape);
  checkArray(fn, 'a', a, 'Float32Array', count);
  const k = shape[shape.length - 1];
  if (k !== w.k) throw rangeError(fn, `shape[${shape.length - 1}] (${k}) != b.k (${w.k})`, ErrorCodes.INVALID_SHAPE);
  // A becomes uint8 with a zero point anywhere in [0, 255]: bound for the worst one.
  const reduced = w.groupSize || w.k;
  const bound = Math.floor(INT32_MAX / (255 * w.maxAbsB));
  if (reduced > bound) {
    throw rangeError(fn, `k (${reduced}) exceeds ${bound}, the largest K for which the int32 accumulator cannot overflow`,
      ErrorCodes.K_TOO_LARGE);
  }
  const perToken = o.perToken === undefined ? true : checkBoolean(fn, 'perToken', o.perToken);
  const bias = o.bias === undefined ? null : checkArray(fn, 'bias', o.bias, 'Float32Array', w.n);
  const m = count / k;
  const dst = outFloat32(fn, o.out, m * w.n);
  checkNoOverlap(fn, dst, 'a', a);
  checkNoOverlap(fn, dst, 'bias', bias);
  return w.nativeMatmul().matmulF32(a, w.handle(fn), dst, bias, f32Params(m, k, perToken, async));
}

/**
 * Dynamic quantization matmul (f32 in, f32 out): A is quantized to uint8 per row or per tensor
 * (onnxruntime's DynamicQuantizeLinear rule), multiplied in integers, and dequantized with
 * y = fl32(acc) * fl32(sa * sb[n]) + bias[n]. NaN or Infinity in A: RangeError with its index.
 */
export function matmulF32(a: Float32Array, shape: number[], b: Weights, opts?: MatmulF32Options): Float32Array {
  return f32Call('matmulF32', a, shape, checkWeights('matmulF32', 'b', b), opts, false) as Float32Array;
}

export function matmulF32Async(a: Float32Array, shape: number[], b: Weights, opts?: MatmulF32Options):
  Promise<Float32Array> {
  return settled(() => f32Call('matmulF32Async', a, shape, checkWeights('matmulF32Async', 'b', b), opts, true));
}
