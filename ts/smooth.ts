/**
 * SmoothQuant (Xiao et al., 2023): migrate activation outliers into the weights before dynamic
 * quantization. For each input channel k of Y = X W,
 *   s[k] = max|X[:, k]|^alpha / max|W[k, :]|^(1 - alpha),
 *   X'[:, k] = X[:, k] / s[k],  W'[k, :] = s[k] * W[k, :],
 * so that X' W' = X W (up to float rounding) while X' has flatter channels and is easier to
 * quantize per tensor or per token. alpha = 0.5 splits the difficulty evenly; larger alpha moves
 * more of it into the weights. In a model, 1 / s is folded into the op that produces X (a
 * LayerNorm's weights); smoothActivations divides explicitly.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { checkArray, checkNumber, checkShape } from './validate';
import type { WeightsLayout } from './weights';

/** Float weights of a matmul: [K, N] ('kn', default) or [N, K] ('nk'). */
export interface FloatWeights {
  data: Float32Array;
  shape: [number, number];
  layout?: WeightsLayout;
}

export interface SmoothResult {
  /** The smoothed weights W' (same shape and layout). */
  weights: FloatWeights;
  /** s[k], one per input channel: divide the activations by it (smoothActivations). */
  scales: Float32Array;
}

/** Scales stay within [2^-20, 2^20]: a channel that is all zeros (in X or W) gets s = 1. */
const MIN_SCALE = 2 ** -20;
const MAX_SCALE = 2 ** 20;

function checkWeights(fn: string, w: unknown): { data: Float32Array; k: number; n: number; nk: boolean } {
  if (w === null || typeof w !== 'object') throw typeError(fn, 'weights must be { data: Float32Array, shape: [rows, cols], layout? }');
  const { data, shape, layout } = w as Partial<FloatWeights>;
  const count = checkShape(fn, 'weights.shape', shape);
  if ((shape as number[]).length !== 2) throw rangeError(fn, `weights.shape must be 2-D, got [${(shape as number[]).join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  checkArray(fn, 'weights.data', data, 'Float32Array', count);
  const l = layout ?? 'kn';
  if (l !== 'kn' && l !== 'nk') throw rangeError(fn, `weights.layout must be 'kn' or 'nk', got ${String(l)}`, ErrorCodes.OUT_OF_RANGE);
  const [r, c] = shape as [number, number];
  return { data: data as Float32Array, k: l === 'kn' ? r : c, n: l === 'kn' ? c : r, nk: l === 'nk' };
}

/**
 * The SmoothQuant transform of the weights, from the activations' per-channel max |x| (K values,
 * e.g. createCalibrator({ axis: -1 }).absMax()). alpha in [0, 1], default 0.5.
 */
export function smooth(weights: FloatWeights, activationAbsMax: Float32Array, alpha = 0.5): SmoothResult {
  const fn = 'smooth';
  const w = checkWeights(fn, weights);
  checkArray(fn, 'activationAbsMax', activationAbsMax, 'Float32Array', w.k);
  const a = checkNumber(fn, 'alpha', alpha);
  if (a < 0 || a > 1) throw rangeError(fn, `alpha (${a}) must be in [0, 1]`, ErrorCodes.OUT_OF_RANGE);
  const wMax = new Float64Array(w.k);
  for (let i = 0; i < w.data.length; i++) {
    const v = w.data[i];
    if (!Number.isFinite(v)) throw rangeError(fn, `weights.data[${i}] is ${v}`, ErrorCodes.NON_FINITE);
    const kk = w.nk ? i % w.k : Math.floor(i / w.n);
    wMax[kk] = Math.max(wMax[kk], Math.abs(v));
  }
  const scales = new Float32Array(w.k);
  for (let kk = 0; kk < w.k; kk++) {
    const x = activationAbsMax[kk];
    if (!Number.isFinite(x) || x < 0) {
      throw rangeError(fn, `activationAbsMax[${kk}] (${x}) must be finite and >= 0`, Number.isFinite(x) ? ErrorCodes.OUT_OF_RANGE : ErrorCodes.NON_FINITE);
    }
    const s = x === 0 || wMax[kk] === 0 ? 1 : x ** a / wMax[kk] ** (1 - a);
    scales[kk] = Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
  }
  const data = new Float32Array(w.data.length);
  for (let i = 0; i < data.length; i++) data[i] = w.data[i] * scales[w.nk ? i % w.k : Math.floor(i / w.n)];
  const out: FloatWeights = { data, shape: [weights.shape[0], weights.shape[1]] };
  if (weights.layout !== undefined) out.layout = weights.layout;
  return { weights: out, scales };
}

/** X' = X / s along the last axis (K) of x. */
export function smoothActivations(x: Float32Array, shape: number[], scales: Float32Array): Float32Array {
  const fn = 'smoothActivations';
  const count = checkShape(fn, 'shape', shape);
  checkArray(fn, 'x', x, 'Float32Array', count);
  const k = shape[shape.length - 1];
  checkArray(fn, 'scales', scales, 'Float32Array', k);
  for (let i = 0; i < k; i++) {
    if (!(scales[i] > 0) || !Number.isFinite(scales[i])) throw rangeError(fn, `scales[${i}] (${scales[i]}) must be finite and > 0`, ErrorCodes.OUT_OF_RANGE);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = x[i] / scales[i % k];
  return out;
}
