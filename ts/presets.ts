/**
 * Weight quantization presets: the parameter choices of the runtimes people already use, as
 * QTensors ready for packWeights(q, { layout }).
 *  - 'tflite': TFLite's int8 spec: symmetric per output channel, narrow range [-127, 127], zero
 *              point 0 (scale = max|w| / 127 per channel); the bias is int32 with scale
 *              input scale * weight scale and zero point 0 (tfliteBias).
 *  - 'onnx':   onnxruntime's quantizer: affine uint8 (default) or int8, per tensor (default) or per
 *              output channel; symmetric on request.
 *  - 'llm':    per group of groupSize (32, 64 or 128 are usual; default 128) along K, for matmulF32:
 *              symmetric int8 (default, scale = max|w| / 127 per group) or affine uint8.
 * The quantization itself is quantize()'s (DESIGN.md section 2: q = sat(RNE(w / s) + z)).
 */
import { ErrorCodes, rangeError } from './errors';
import { quantize } from './quantize';
import type { QDType, QTensor } from './types';
import { checkArray, checkBoolean, checkDType, checkInteger, checkNumber, checkOptions, checkShape } from './validate';
import type { WeightsLayout } from './weights';

export type WeightPreset = 'tflite' | 'onnx' | 'llm';

export interface WeightPresetOptions {
  /** How w is stored: 'kn' ([K, N], default) or 'nk' ([N, K]); pass the same layout to packWeights. */
  layout?: WeightsLayout;
  /** 'onnx': 'uint8' (default) or 'int8'. */
  dtype?: QDType;
  /** 'onnx': one scale per output channel (default false: per tensor). */
  perChannel?: boolean;
  /** 'onnx': symmetric (default false); 'llm': symmetric int8 (default true) or affine uint8. */
  symmetric?: boolean;
  /** 'llm': the group size along K (default 128). */
  groupSize?: number;
}

const PRESETS: readonly WeightPreset[] = ['tflite', 'onnx', 'llm'];

/** Quantizes 2-D weights with a preset (see the module comment). */
export function quantizeWeights(w: Float32Array, shape: number[], preset: WeightPreset, opts?: WeightPresetOptions): QTensor {
  const fn = 'quantizeWeights';
  const o = checkOptions(fn, opts, ['layout', 'dtype', 'perChannel', 'symmetric', 'groupSize']) as WeightPresetOptions;
  checkShape(fn, 'shape', shape);
  if (shape.length !== 2) throw rangeError(fn, `shape must be 2-D, got [${shape.join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  if (!PRESETS.includes(preset)) throw rangeError(fn, `preset must be one of ${PRESETS.join(', ')}, got ${String(preset)}`, ErrorCodes.OUT_OF_RANGE);
  const layout = o.layout ?? 'kn';
  if (layout !== 'kn' && layout !== 'nk') throw rangeError(fn, `layout must be 'kn' or 'nk', got ${String(layout)}`, ErrorCodes.OUT_OF_RANGE);
  const kAxis = layout === 'kn' ? 0 : 1;
  const nAxis = 1 - kAxis;
  const allowed: Record<WeightPreset, string[]> = { tflite: ['layout'], onnx: ['layout', 'dtype', 'perChannel', 'symmetric'], llm: ['layout', 'symmetric', 'groupSize'] };
  for (const key of Object.keys(o)) {
    if (!allowed[preset].includes(key)) throw rangeError(fn, `option '${key}' does not apply to the '${preset}' preset`, ErrorCodes.OUT_OF_RANGE);
  }
  if (preset === 'tflite') return quantize(w, shape, { dtype: 'int8', symmetric: true, narrow: true, axis: nAxis });
  if (preset === 'onnx') {
    const dtype = o.dtype === undefined ? 'uint8' : checkDType(fn, 'dtype', o.dtype);
    const perChannel = o.perChannel === undefined ? false : checkBoolean(fn, 'perChannel', o.perChannel);
    const symmetric = o.symmetric === undefined ? false : checkBoolean(fn, 'symmetric', o.symmetric);
    return quantize(w, shape, { dtype, symmetric, axis: perChannel ? nAxis : undefined });
  }
  const groupSize = o.groupSize === undefined ? 128 : checkInteger(fn, 'groupSize', o.groupSize, 1, 2 ** 31);
  const symmetric = o.symmetric === undefined ? true : checkBoolean(fn, 'symmetric', o.symmetric);
  return quantize(w, shape, symmetric
    ? { dtype: 'int8', symmetric: true, axis: kAxis, groupSize }
    : { dtype: 'uint8', axis: kAxis, groupSize });
}

const INT32_LIMIT = 2 ** 31 - 1;

/**
 * TFLite's int32 bias: q[n] = sat(RNE(bias[n] / fl32(inputScale * weightScale[n]))), zero point 0,
 * saturated to [-(2^31 - 1), 2^31 - 1] as TFLite does. (TFLite's converter multiplies by the
 * reciprocal of the scale and rounds half away from zero: it can differ by one on exact ties.)
 */
export function tfliteBias(bias: Float32Array, inputScale: number, weightScale: number | Float32Array): Int32Array {
  const fn = 'tfliteBias';
  checkArray(fn, 'bias', bias, 'Float32Array');
  const sa = checkNumber(fn, 'inputScale', inputScale);
  if (!(sa > 0)) throw rangeError(fn, `inputScale (${sa}) must be > 0`, ErrorCodes.OUT_OF_RANGE);
  const perChannel = typeof weightScale !== 'number';
  const sw = perChannel ? checkArray(fn, 'weightScale', weightScale, 'Float32Array', bias.length) : Float32Array.of(checkNumber(fn, 'weightScale', weightScale));
  const out = new Int32Array(bias.length);
  for (let n = 0; n < bias.length; n++) {
    const s = Math.fround(sa * sw[perChannel ? n : 0]);
    if (!(s > 0) || !Number.isFinite(s)) throw rangeError(fn, `inputScale * weightScale[${n}] (${s}) must be a positive float32`, ErrorCodes.OUT_OF_RANGE);
    if (!Number.isFinite(bias[n])) throw rangeError(fn, `bias[${n}] is ${bias[n]}`, ErrorCodes.NON_FINITE);
    const r = Math.fround(bias[n] / s);
    const f = Math.floor(r);
    const q = r - f < 0.5 ? f : r - f > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
    out[n] = Math.max(-INT32_LIMIT, Math.min(INT32_LIMIT, q));
  }
  return out;
}
