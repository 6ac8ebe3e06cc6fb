/**
 * Calibration of activations: observe batches, then choose a clipping range and the quantization
 * parameters for it. Per tensor or per channel (an axis), for int8 or uint8, symmetric or affine.
 *
 * Methods (the range they return; parameters then follow quantize()'s rule for that range, so the
 * range always contains 0 and the scale is finite and > 0):
 *  - 'minmax'          the smallest and largest values seen.
 *  - 'moving-average'  min and max of each batch, smoothed: r += c * (batch - r), c = averagingConstant
 *                      (0.01 by default, as onnxruntime and PyTorch); the first batch sets r.
 *  - 'percentile'      from a histogram: symmetric [-t, t] with t the p-th percentile of |x|; affine
 *                      [the (100 - p)-th percentile, the p-th percentile] of x (p = 99.99 by default).
 *  - 'mse'             the clipping range, among `mseSteps` evenly spaced fractions of the observed
 *                      range (of max|x| when symmetric), whose quantize-dequantize error over the
 *                      histogram's bin centres is smallest.
 *  - 'entropy'         TensorRT's method: the threshold t of |x| whose histogram, folded into
 *                      `entropyLevels` bins, loses the least information (Kullback-Leibler divergence);
 *                      symmetric [-t, t], affine the observed range clipped to it.
 * Histograms have `bins` bins of equal width anchored at 0, widened by merging pairs of bins when a
 * batch reaches beyond them; percentiles are interpolated linearly inside a bin.
 *
 * Zero-range data (every value 0): the range is [0, 0] and the parameters are quantize()'s for it
 * (scale 1, as onnxruntime; zero point at the bottom of the range for affine, 0 or 128 for symmetric).
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { native } from './native';
import { rne } from './rounding';
import type { QDType, QuantParams } from './types';
import { arrayKind, checkArray, checkAxis, checkBoolean, checkDType, checkInteger, checkNumber, checkOptions, checkShape, nativeDType } from './validate';

export type CalibrationMethod = 'minmax' | 'moving-average' | 'percentile' | 'mse' | 'entropy';

export interface CalibratorOptions {
  /** Default 'minmax'. */
  method?: CalibrationMethod;
  /** Per channel along this axis of the batches' shapes (negative counts from the end); absent: per tensor. */
  axis?: number;
  /** 'moving-average': weight of each new batch, in (0, 1]; default 0.01. */
  averagingConstant?: number;
  /** 'percentile': in (0, 100]; default 99.99. */
  percentile?: number;
  /** Histogram bins per channel ('percentile', 'mse', 'entropy'): even, in [16, 2^20]; default 2048. */
  bins?: number;
  /** 'entropy': bins the threshold's histogram is folded into, in [2, bins]; default 128 (or bins if fewer). */
  entropyLevels?: number;
  /** 'mse': clipping ranges tried, in [1, 10000]; default 128. */
  mseSteps?: number;
}

export interface RangeOptions {
  /** Default 'int8'. */
  dtype?: QDType;
  /** Default false. */
  symmetric?: boolean;
  /** int8 only: parameters for [-127, 127]. */
  narrow?: boolean;
}

export interface CalibratedRange {
  /** Per tensor: numbers; per channel: one entry per channel. */
  min: number | Float32Array;
  max: number | Float32Array;
}

export interface Calibrator {
  readonly method: CalibrationMethod;
  /** Batches observed so far. */
  readonly batches: number;
  /** Channels (1 per tensor); known after the first batch. */
  readonly channels: number;
  /**
   * Adds a batch. `shape` is needed per channel (the axis indexes it) and optional per tensor.
   * Errors: an empty batch, NaN or Infinity (naming the first index), a channel count that differs
   * from the first batch's.
   */
  observe(x: Float32Array, shape?: number[]): void;
  /** The clipping range for these options. */
  range(opts?: RangeOptions): CalibratedRange;
  /** Quantization parameters for the range, usable by quantize(x, shape, { ...params }). */
  params(opts?: RangeOptions): QuantParams;
  /** max |x| seen, per channel (the input smooth() needs). */
  absMax(): number | Float32Array;
}

const METHODS: readonly CalibrationMethod[] = ['minmax', 'moving-average', 'percentile', 'mse', 'entropy'];

/** A histogram of one channel: bins of width `width` over [0, bins * width) for x >= 0 and for -x > 0. */
class Histogram {
  width = 0; // 0 until a nonzero value is seen
  zeros = 0; // zeros seen while width is 0
  readonly pos: Float64Array;
  readonly neg: Float64Array;

  constructor(readonly bins: number) {
    this.pos = new Float64Array(bins);
    this.neg = new Float64Array(bins);
  }

  /** Makes room for |x| up to absMax: doubles the bin width (merging pairs) as often as needed. */
  reach(absMax: number): void {
    if (absMax === 0) return;
    if (this.width === 0) {
      this.width = absMax / (this.bins - 1);
      this.pos[0] += this.zeros;
      this.zeros = 0;
      return;
    }
    while (absMax >= this.bins * this.width) {
      for (const h of [this.pos, this.neg]) {
        for (let i = 0; i < this.bins / 2; i++) h[i] = h[2 * i] + h[2 * i + 1];
        h.fill(0, this.bins / 2);
      }
      this.width *= 2;
    }
  }

  add(x: number): void {
    if (this.width === 0) {
      this.zeros++;
      return;
    }
    const i = Math.min(this.bins - 1, Math.floor(Math.abs(x) / this.width));
    if (x < 0) this.neg[i]++;
    else this.pos[i]++;
  }

  /** Counts of |x| per bin. */
  folded(): Float64Array {
    const h = new Float64Array(this.bins);
    for (let i = 0; i < this.bins; i++) h[i] = this.pos[i] + this.neg[i];
    return h;
  }
}

interface ChannelState {
  min: number;
  max: number;
  absMax: number;
  hist: Histogram | null;
}

/** Value at fraction f of the way through the counts h, bins of width w from 0, interpolated. */
function quantileAbs(h: Float64Array, w: number, f: number): number {
  let total = 0;
  for (const c of h) total += c;
  const target = f * total;
  let cum = 0;
  for (let i = 0; i < h.length; i++) {
    if (h[i] > 0 && cum + h[i] >= target) return (i + (target - cum) / h[i]) * w;
    cum += h[i];
  }
  return h.length * w;
}

/** Signed quantile: negative bins from the most negative up, then positive bins. */
function quantileSigned(hist: Histogram, f: number): number {
  const { pos, neg, width: w, bins } = hist;
  let total = 0;
  for (let i = 0; i < bins; i++) total += pos[i] + neg[i];
  const target = f * total;
  let cum = 0;
  for (let i = bins - 1; i >= 0; i--) {
    if (neg[i] > 0 && cum + neg[i] >= target) return -(i + 1 - (target - cum) / neg[i]) * w;
    cum += neg[i];
  }
  for (let i = 0; i < bins; i++) {
    if (pos[i] > 0 && cum + pos[i] >= target) return (i + (target - cum) / pos[i]) * w;
    cum += pos[i];
  }
  return bins * w;
}

/** Quantize-dequantize squared error of the histogram's bin centres for the range [lo, hi]. */
function histogramMse(hist: Histogram, lo: number, hi: number, qmin: number, qmax: number, zSymmetric: number | null): number {
  const s = (hi - lo) / (qmax - qmin);
  if (!(s > 0)) return Infinity;
  const z = zSymmetric ?? Math.max(qmin, Math.min(qmax, rne(qmin - lo / s)));
  let err = 0;
  const w = hist.width;
  for (let i = 0; i < hist.bins; i++) {
    for (const [count, c] of [[hist.pos[i], (i + 0.5) * w], [hist.neg[i], -(i + 0.5) * w]]) {
      if (count === 0) continue;
      const q = Math.max(qmin, Math.min(qmax, rne(c / s) + z));
      err += count * (c - (q - z) * s) ** 2;
    }
  }
  return err;
}

/** TensorRT's entropy threshold on the |x| histogram h. */
function entropyThreshold(h: Float64Array, w: number, levels: number): number {
  const bins = h.length;
  let bestI = bins;
  let bestKl = Infinity;
  const p = new Float64Array(bins);
  const q = new Float64Array(bins);
  let outliers = 0;
  for (let i = 0; i < bins; i++) outliers += h[i];
  for (let i = 0; i < levels; i++) outliers -= h[i];
  for (let i = levels; i <= bins; i++) {
    // P: the first i bins, with everything beyond folded into the last one.
    for (let b = 0; b < i; b++) p[b] = h[b];
    p[i - 1] += outliers;
    // Q: the first i bins merged into `levels` chunks, each chunk's count spread over its nonzero bins.
    for (let j = 0; j < levels; j++) {
      const b0 = Math.floor((j * i) / levels);
      const b1 = Math.floor(((j + 1) * i) / levels);
      let total = 0;
      let nonzero = 0;
      for (let b = b0; b < b1; b++) {
        total += h[b];
        if (h[b] > 0) nonzero++;
      }
      for (let b = b0; b < b1; b++) q[b] = h[b] > 0 ? total / nonzero : 0;
    }
    let sp = 0;
    let sq = 0;
    for (let b = 0; b < i; b++) {
      sp += p[b];
      sq += q[b];
    }
    let kl = 0;
    if (sq > 0) {
      for (let b = 0; b < i; b++) {
        if (p[b] === 0) continue;
        const pn = p[b] / sp;
        const qn = Math.max(q[b] / sq, 1e-12);
        kl += pn * Math.log(pn / qn);
      }
    } else {
      kl = Infinity;
    }
    if (kl <= bestKl) {
      bestKl = kl;
      bestI = i;
    }
    if (i < bins) outliers -= h[i];
  }
  return bestI * w;
}

class CalibratorImpl implements Calibrator {
  batches = 0;
  readonly method: CalibrationMethod;
  readonly #axis: number | undefined;
  readonly #c: number;
  readonly #p: number;
  readonly #bins: number;
  readonly #levels: number;
  readonly #steps: number;
  #state: ChannelState[] | null = null;

  constructor(o: CalibratorOptions) {
    const fn = 'createCalibrator';
    const method = o.method ?? 'minmax';
    if (!METHODS.includes(method)) {
      throw rangeError(fn, `method must be one of ${METHODS.join(', ')}, got ${String(method)}`, ErrorCodes.OUT_OF_RANGE);
    }
    this.method = method;
    if (o.axis !== undefined) checkInteger(fn, 'axis', o.axis, -64, 63);
    this.#axis = o.axis;
    this.#c = o.averagingConstant === undefined ? 0.01 : checkNumber(fn, 'averagingConstant', o.averagingConstant);
    if (!(this.#c > 0 && this.#c <= 1)) throw rangeError(fn, `averagingConstant (${this.#c}) must be in (0, 1]`, ErrorCodes.OUT_OF_RANGE);
    this.#p = o.percentile === undefined ? 99.99 : checkNumber(fn, 'percentile', o.percentile);
    if (!(this.#p > 0 && this.#p <= 100)) throw rangeError(fn, `percentile (${this.#p}) must be in (0, 100]`, ErrorCodes.OUT_OF_RANGE);
    this.#bins = o.bins === undefined ? 2048 : checkInteger(fn, 'bins', o.bins, 16, 2 ** 20);
    if (this.#bins % 2) throw rangeError(fn, `bins (${this.#bins}) must be even`, ErrorCodes.OUT_OF_RANGE);
    this.#levels = o.entropyLevels === undefined ? Math.min(128, this.#bins) : checkInteger(fn, 'entropyLevels', o.entropyLevels, 2, 2 ** 20);
    if (this.#levels > this.#bins) {
      throw rangeError(fn, `entropyLevels (${this.#levels}) must not exceed bins (${this.#bins})`, ErrorCodes.OUT_OF_RANGE);
    }
    this.#steps = o.mseSteps === undefined ? 128 : checkInteger(fn, 'mseSteps', o.mseSteps, 1, 10000);
  }

  get channels(): number {
    return this.#state?.length ?? (this.#axis === undefined ? 1 : 0);
  }

  observe(x: Float32Array, shape?: number[]): void {
    const fn = 'observe';
    // Before checkArray, which (without ArrayBuffer.prototype.detached, Node < 22) takes any empty view for a detached one.
    if (arrayKind(x) === 'Float32Array' && x.length === 0) throw rangeError(fn, 'x is an empty batch', ErrorCodes.EMPTY);
    checkArray(fn, 'x', x, 'Float32Array');
    let channels = 1;
    let inner = x.length;
    if (shape !== undefined) {
      const count = checkShape(fn, 'shape', shape);
      if (count !== x.length) throw rangeError(fn, `x.length (${x.length}) != ${count}, the size of shape [${shape.join(', ')}]`, ErrorCodes.INVALID_LENGTH);
    }
    if (this.#axis !== undefined) {
      if (shape === undefined) throw typeError(fn, 'shape is required for per-channel calibration (axis was given)');
      const a = checkAxis(fn, 'axis', this.#axis, shape.length);
      channels = shape[a];
      inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
    }
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw rangeError(fn, `x[${i}] is ${x[i]}`, ErrorCodes.NON_FINITE);
    }
    if (this.#state !== null && this.#state.length !== channels) {
      throw rangeError(fn, `this batch has ${channels} channels along axis ${this.#axis}, earlier batches had ${this.#state.length}`,
        ErrorCodes.INVALID_SHAPE);
    }
    // This batch's range per channel.
    const lo = new Float64Array(channels).fill(Infinity);
    const hi = new Float64Array(channels).fill(-Infinity);
    for (let i = 0; i < x.length; i++) {
      const ch = channels === 1 ? 0 : Math.floor(i / inner) % channels;
      if (x[i] < lo[ch]) lo[ch] = x[i];
      if (x[i] > hi[ch]) hi[ch] = x[i];
    }
    const first = this.#state === null;
    const histograms = this.method === 'percentile' || this.method === 'mse' || this.method === 'entropy';
    if (first) {
      this.#state = Array.from({ length: channels }, (_, ch) => ({
        min: lo[ch], max: hi[ch], absMax: 0, hist: histograms ? new Histogram(this.#bins) : null,
      }));
    }
    const state = this.#state!;
    for (let ch = 0; ch < channels; ch++) {
      const s = state[ch];
      if (!first) {
        if (this.method === 'moving-average') {
          s.min += this.#c * (lo[ch] - s.min);
          s.max += this.#c * (hi[ch] - s.max);
        } else {
          s.min = Math.min(s.min, lo[ch]);
          s.max = Math.max(s.max, hi[ch]);
        }
      }
      s.absMax = Math.max(s.absMax, -lo[ch], hi[ch]);
      s.hist?.reach(Math.max(-lo[ch], hi[ch]));
    }
    if (histograms) {
      for (let i = 0; i < x.length; i++) state[channels === 1 ? 0 : Math.floor(i / inner) % channels].hist!.add(x[i]);
    }
    this.batches++;
  }

  #channelsOrThrow(fn: string): ChannelState[] {
    if (this.#state === null) throw rangeError(fn, 'no data observed: call observe() with at least one batch first', ErrorCodes.EMPTY);
    return this.#state;
  }

  #rangeOf(s: ChannelState, dtype: QDType, symmetric: boolean, narrow: boolean): [number, number] {
    const lo0 = Math.min(s.min, 0);
    const hi0 = Math.max(s.max, 0);
    const h = s.hist;
    if (h === null || h.width === 0) {
      if (symmetric) {
        const t = Math.max(-lo0, hi0);
        return [-t, t];
      }
      return [lo0, hi0];
    }
    if (this.method === 'percentile') {
      if (symmetric) {
        const t = Math.min(s.absMax, quantileAbs(h.folded(), h.width, this.#p / 100));
        return [-t, t];
      }
      return [Math.max(s.min, quantileSigned(h, 1 - this.#p / 100)), Math.min(s.max, quantileSigned(h, this.#p / 100))];
    }
    if (this.method === 'entropy') {
      const t = Math.min(s.absMax, entropyThreshold(h.folded(), h.width, this.#levels));
      return symmetric ? [-t, t] : [Math.max(lo0, -t), Math.min(hi0, t)];
    }
    // 'mse', with quantize()'s grid for each candidate range
    const [qmin, qmax] = dtype === 'int8' ? [narrow || symmetric ? -127 : -128, 127] : [0, 255];
    const zSymmetric = symmetric ? (dtype === 'int8' ? 0 : 128) : null;
    let best: [number, number] = symmetric ? [-s.absMax, s.absMax] : [lo0, hi0];
    let bestErr = Infinity;
    for (let j = this.#steps; j >= 1; j--) {
      const f = j / this.#steps;
      const cand: [number, number] = symmetric ? [-s.absMax * f, s.absMax * f] : [lo0 * f, hi0 * f];
      const err = histogramMse(h, cand[0], cand[1], qmin, qmax, zSymmetric);
      if (err < bestErr) {
        bestErr = err;
        best = cand;
      }
    }
    return best;
  }

  #ranges(fn: string, opts: RangeOptions | undefined): { lo: Float32Array; hi: Float32Array; dtype: QDType; symmetric: boolean; narrow: boolean } {
    const o = checkOptions(fn, opts, ['dtype', 'symmetric', 'narrow']) as RangeOptions;
    const dtype = o.dtype === undefined ? 'int8' : checkDType(fn, 'dtype', o.dtype);
    const symmetric = o.symmetric === undefined ? false : checkBoolean(fn, 'symmetric', o.symmetric);
    const narrow = o.narrow === undefined ? false : checkBoolean(fn, 'narrow', o.narrow);
    const state = this.#channelsOrThrow(fn);
    const lo = new Float32Array(state.length);
    const hi = new Float32Array(state.length);
    state.forEach((s, ch) => {
      [lo[ch], hi[ch]] = this.#rangeOf(s, dtype, symmetric, narrow);
    });
    return { lo, hi, dtype, symmetric, narrow };
  }

  range(opts?: RangeOptions): CalibratedRange {
    const { lo, hi } = this.#ranges('range', opts);
    return this.#axis === undefined ? { min: lo[0], max: hi[0] } : { min: lo, max: hi };
  }

  params(opts?: RangeOptions): QuantParams {
    const { lo, hi, dtype, symmetric, narrow } = this.#ranges('params', opts);
    const channels = lo.length;
    // quantize()'s own rule, applied to a [channels, 2] tensor holding each channel's [lo, hi].
    const pairs = new Float32Array(channels * 2);
    for (let ch = 0; ch < channels; ch++) {
      pairs[2 * ch] = lo[ch];
      pairs[2 * ch + 1] = hi[ch];
    }
    const scale = new Float32Array(channels);
    const zeroPoint = new Int32Array(channels);
    native.chooseQParams(pairs, 1, channels, 2, this.#axis === undefined ? 0 : 1, 0, nativeDType(dtype), symmetric, narrow, scale, zeroPoint);
    if (this.#axis === undefined) return { dtype, scale: scale[0], zeroPoint: zeroPoint[0] };
    return { dtype, scale, zeroPoint, axis: this.#axis };
  }

  absMax(): number | Float32Array {
    const state = this.#channelsOrThrow('absMax');
    const a = Float32Array.from(state, (s) => s.absMax);
    return this.#axis === undefined ? a[0] : a;
  }
}

/** A calibrator for activations (see the module comment for the methods). */
export function createCalibrator(opts?: CalibratorOptions): Calibrator {
  const o = checkOptions('createCalibrator', opts, ['method', 'axis', 'averagingConstant', 'percentile', 'bins', 'entropyLevels', 'mseSteps']);
  return new CalibratorImpl(o as CalibratorOptions);
}
