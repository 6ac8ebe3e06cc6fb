/**
 * Non-linear quantization: codebooks (k-means) and powers of two (log2). codebook-weights.ts packs
 * codebook tensors for matmul.
 *
 * A codebook holds 16 (4-bit indices) or 256 (8-bit indices) int8 centroids and a scale: a weight is
 * `scale * centroids[index]`. Because the centroids are int8, the 4-bit kernels decode indices to
 * int8 with a 16-entry table look-up (pshufb on x86) and feed the integer dot product; the result
 * is exactly that of decoding to int8 first (codebookToQTensor) and running the ordinary integer
 * matmul (DESIGN.md section 2). 8-bit indices into int8 centroids are int8 weights already: they
 * are decoded when packed and run on the int8 kernels, with the same memory as int8.
 *
 * Power-of-two quantization keeps a sign and an exponent: values are 0 or +-2^e with e in the
 * `levels` exponents below a per-channel maximum. Its 4-bit codes are a codebook (16 int8 entries
 * 0, +-1, +-2, ..., +-64 with scale 2^(maxExponent - 6)), so they run on the same kernels.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { makeView, paramCount, type QView } from './qtensor';
import { rne } from './rounding';
import type { QTensor } from './types';
import { checkArray, checkInteger, checkOptions, checkScales, checkShape } from './validate';
import { sortFloat32 } from './select';

// ------------------------------------------------------------------------------- types ----

/** Centroids and scales of the codebooks of a tensor, laid out like QuantParams. */
export interface Codebook {
  /** books x 2^bits int8 centroids; book b's entries at [b * 2^bits, (b + 1) * 2^bits). */
  centroids: Int8Array;
  /** One scale per book (finite, > 0). */
  scale: Float32Array;
  /** Absent: one book for the tensor. Else one per index of `axis` (or per group along it). */
  axis?: number;
  /** Books per run of groupSize elements along `axis` (QuantParams' per-group layout). */
  groupSize?: number;
}

/** A tensor stored as codebook indices: element i = scale[book] * centroids[book][index i]. */
export interface CodebookTensor {
  /** bits 4: two per byte, element i in byte i >> 1 (low nibble when i is even); bits 8: one per byte. */
  indices: Uint8Array;
  bits: 4 | 8;
  shape: number[];
  codebook: Codebook;
}

/** A tensor stored as power-of-two codes. */
export interface Log2Tensor {
  /**
   * bits 4: two per byte as CodebookTensor.indices; code = sign << 3 | m.
   * bits 8: one per byte; code = sign << 7 | m.
   * m = 0 is 0; m in 1..levels is sign * 2^(maxExponent - levels + m), levels = 7 (4 bits) or 127 (8 bits).
   */
  codes: Uint8Array;
  bits: 4 | 8;
  shape: number[];
  /** Per tensor (number) or per index of `axis` (Int32Array), in [-143, 127]. */
  maxExponent: number | Int32Array;
  axis?: number;
}

// ------------------------------------------------------------------------------ helpers ----

const FLT_MIN = 1.1754943508222875e-38;

/** mulberry32: a small deterministic generator. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The first index of NaN or +-Infinity, or -1. */
function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

function checkFinite(fn: string, name: string, x: Float32Array): void {
  const bad = firstNonFinite(x);
  if (bad >= 0) throw rangeError(fn, `${name}[${bad}] is ${x[bad]}`, ErrorCodes.NON_FINITE);
}

/** Parameter (book) index of each element, in flat order (DESIGN.md's per-group layout). */
function bookOfEach(v: QView, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const groups = v.granularity === 2 ? Math.ceil(v.axisLen / v.groupSize) : 1;
  let flat = 0;
  for (let o = 0; o < v.outer; o++) {
    for (let a = 0; a < v.axisLen; a++) {
      for (let i = 0; i < v.inner; i++, flat++) {
        out[flat] = v.granularity === 0 ? 0 : v.granularity === 1 ? a : (o * groups + Math.floor(a / v.groupSize)) * v.inner + i;
      }
    }
  }
  return out;
}

/**
 * Book b of a per-group view: b = (o * groups + g) * inner + i, one group [start, end) along the
 * axis, at outer index o and inner index i.
 */
function groupOfBook(v: QView, b: number): { o: number; i: number; start: number; end: number } {
  const groups = Math.ceil(v.axisLen / v.groupSize);
  const g = Math.floor(b / v.inner) % groups;
  return {
    o: Math.floor(b / (v.inner * groups)), i: b % v.inner,
    start: g * v.groupSize, end: Math.min(v.axisLen, (g + 1) * v.groupSize),
  };
}

/** How many values book b of view v holds. */
function bookSize(v: QView, b: number): number {
  if (v.granularity === 0) return v.inner;
  if (v.granularity === 1) return v.outer * v.inner;
  const { start, end } = groupOfBook(v, b);
  return end - start;
}

/** Writes the flat positions of book b's values to out, in increasing order; returns their count. */
function bookPositions(v: QView, b: number, out: Uint32Array): number {
  let n = 0;
  if (v.granularity === 0) {
    for (; n < v.inner; n++) out[n] = n;
  } else if (v.granularity === 1) {
    for (let o = 0; o < v.outer; o++) {
      for (let i = 0, at = (o * v.axisLen + b) * v.inner; i < v.inner; i++) out[n++] = at + i;
    }
  } else {
    const { o, i, start, end } = groupOfBook(v, b);
    for (let a = start; a < end; a++) out[n++] = (o * v.axisLen + a) * v.inner + i;
  }
  return n;
}

function getIndex(indices: Uint8Array, bits: 4 | 8, i: number): number {
  return bits === 8 ? indices[i] : (indices[i >> 1] >> ((i & 1) * 4)) & 0x0f;
}

function setIndex(indices: Uint8Array, bits: 4 | 8, i: number, v: number): void {
  if (bits === 8) indices[i] = v;
  else indices[i >> 1] |= v << ((i & 1) * 4);
}

function checkBits(fn: string, bits: unknown): 4 | 8 {
  if (bits !== 4 && bits !== 8) {
    if (typeof bits !== 'number') throw typeError(fn, `bits must be 4 or 8, got ${typeof bits}`);
    throw rangeError(fn, `bits must be 4 or 8, got ${bits}`, ErrorCodes.OUT_OF_RANGE);
  }
  return bits;
}

// ------------------------------------------------------------------------------ k-means ----

/** At most this many values seed k-means++ (an evenly spaced sample of the sorted values). */
const KMEANS_SEED_SAMPLE = 1 << 16;

/**
 * k-means++ seeds of sorted values: the first uniformly, each next one with probability
 * proportional to its squared distance to the nearest seed so far (D^2). The distances sit in the
 * leaves of a tree of partial sums, so a draw walks down the tree (log n) and a new seed rewrites
 * only the values now nearest to it: in one dimension, a run around it that ends where an older
 * seed is strictly nearer (squared differences are monotone either side of a seed, rounding
 * included). So k seeds cost about n log k instead of k passes over n values. A draw never lands
 * on a value already taken (distance 0); when every distance is 0 (fewer distinct values than k)
 * the rest repeat the last seed. Exported for its test.
 */
export function seedKmeansPlusPlus(s: Float64Array, k: number, rand: () => number): Float64Array {
  const n = s.length;
  let leaves = 1;
  while (leaves < n) leaves *= 2;
  const sum = new Float64Array(2 * leaves); // sum[leaves + i]: value i's squared distance; parents add
  const c = new Float64Array(k);
  c[0] = s[Math.floor(rand() * n)];
  for (let i = 0; i < n; i++) sum[leaves + i] = (s[i] - c[0]) * (s[i] - c[0]);
  for (let p = leaves - 1; p >= 1; p--) sum[p] = sum[2 * p] + sum[2 * p + 1];
  for (let j = 1; j < k; j++) {
    if (sum[1] === 0) {
      c.fill(c[j - 1], j);
      break;
    }
    // Descend: left while the draw falls in the left subtree's mass, or the right one has none.
    let r = rand() * sum[1];
    let node = 1;
    while (node < leaves) {
      const left = sum[2 * node];
      if (r < left || sum[2 * node + 1] === 0) {
        node = 2 * node;
      } else {
        r -= left;
        node = 2 * node + 1;
      }
    }
    const pick = node - leaves;
    const x = s[pick];
    c[j] = x;
    // Rewrite the run of values at least as near to x as to any older seed, then their parents.
    let lo = pick;
    while (lo > 0 && (s[lo - 1] - x) * (s[lo - 1] - x) <= sum[leaves + lo - 1]) lo--;
    let hi = pick + 1;
    while (hi < n && (s[hi] - x) * (s[hi] - x) <= sum[leaves + hi]) hi++;
    for (let i = lo; i < hi; i++) sum[leaves + i] = (s[i] - x) * (s[i] - x);
    for (let a = (leaves + lo) >> 1, b = (leaves + hi - 1) >> 1; a >= 1; a >>= 1, b >>= 1) {
      for (let p = a; p <= b; p++) sum[p] = sum[2 * p] + sum[2 * p + 1];
    }
  }
  return c;
}

/**
 * k centroids of sorted values: k-means++ seeding (D^2 sampling with `rand`) on an evenly spaced
 * sample, then Lloyd iterations on every value. In one dimension a Lloyd step is exact and cheap:
 * clusters are runs of the sorted values split at the midpoints between centroids (a value on a
 * midpoint joins the lower centroid), and their means come from prefix sums. Stops when no
 * centroid moves, or after `iterations`. Empty clusters keep their centroid.
 */
function kmeans1d(sorted: Float64Array, k: number, rand: () => number, iterations: number): Float64Array {
  const n = sorted.length;
  let sample = sorted;  // step 1: every value
  if (n > KMEANS_SEED_SAMPLE) {
    const step = n / KMEANS_SEED_SAMPLE;
    sample = new Float64Array(KMEANS_SEED_SAMPLE);
    for (let i = 0; i < sample.length; i++) sample[i] = sorted[Math.floor(i * step)];
  }
  const c = seedKmeansPlusPlus(sample, k, rand);
  c.sort();
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  /** First index whose value is > x. */
  const upper = (x: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let it = 0; it < iterations; it++) {
    let moved = false;
    let lo = 0;
    for (let j = 0; j < k; j++) {
      const hi = j === k - 1 ? n : upper((c[j] + c[j + 1]) / 2);
      if (hi > lo) {
        const mean = (prefix[hi] - prefix[lo]) / (hi - lo);
        if (mean !== c[j]) moved = true;
        c[j] = mean;
      }
      lo = Math.max(lo, hi);
    }
    c.sort();
    if (!moved) break;
  }
  return c;
}

/** Centroids as int8 with one scale: scale = max|c| / 127 (1 when every centroid is 0). */
function centroidsToInt8(c: Float64Array, out: Int8Array, outOffset: number): number {
  let maxAbs = 0;
  for (const v of c) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs === 0 ? 1 : Math.max(Math.fround(maxAbs / 127), FLT_MIN);
  for (let j = 0; j < c.length; j++) out[outOffset + j] = Math.max(-127, Math.min(127, rne(Math.fround(c[j] / scale))));
  return scale;
}

export interface CodebookOptions {
  /** 4 (16 centroids, default) or 8 (256 centroids). */
  bits?: 4 | 8;
  /** One codebook per index of this axis (per channel), or per group along it with groupSize. */
  axis?: number;
  groupSize?: number;
  /** Seed of k-means++ (default 1): the same input and seed give the same codebooks everywhere. */
  seed?: number;
  /** Most Lloyd iterations (default 30). */
  iterations?: number;
}

/**
 * Codebook quantization by k-means (k = 2^bits) per tensor, per channel or per group, then int8
 * centroids (scale = max|centroid| / 127) and each value's index: the nearest decoded centroid
 * (a tie goes to the lower index). Deterministic for a given seed.
 * Errors: NaN or Infinity in x (RangeError naming the index); a book with fewer values than k.
 */
export function quantizeCodebook(x: Float32Array, shape: number[], opts?: CodebookOptions): CodebookTensor {
  const fn = 'quantizeCodebook';
  const o = checkOptions(fn, opts, ['bits', 'axis', 'groupSize', 'seed', 'iterations']) as CodebookOptions;
  const count = checkShape(fn, 'shape', shape);
  checkArray(fn, 'x', x, 'Float32Array', count);
  const bits = o.bits === undefined ? 4 : checkBits(fn, o.bits);
  const seed = o.seed === undefined ? 1 : checkInteger(fn, 'seed', o.seed, 0, 2 ** 32 - 1);
  const iterations = o.iterations === undefined ? 30 : checkInteger(fn, 'iterations', o.iterations, 0, 10000);
  const view = makeView(fn, shape, o.axis, o.groupSize);
  checkFinite(fn, 'x', x);
  const k = 2 ** bits;
  const books = paramCount(view);

  let largest = 0;
  for (let b = 0; b < books; b++) {
    const size = bookSize(view, b);
    if (size < k) {
      throw rangeError(fn, `k (${k} centroids for ${bits}-bit indices) is larger than the number of values (${size}) ` +
        `in codebook ${b}`, ErrorCodes.OUT_OF_RANGE);
    }
    largest = Math.max(largest, size);
  }
  // One book at a time: its values gathered, sorted and clustered, then each of its values' index
  // taken from its own k decoded centroids (which stay in L1, where a pass over the whole tensor
  // would take every value's centroids from a table of all the books).
  const positions = new Uint32Array(largest);
  const book = new Float32Array(largest);
  const scratch = new Uint32Array(largest);
  const sortedRoom = new Float64Array(largest);
  const decoded = new Float64Array(k);
  const centroids = new Int8Array(books * k);
  const scale = new Float32Array(books);
  const indices = new Uint8Array(bits === 4 ? Math.ceil(count / 2) : count);
  for (let b = 0; b < books; b++) {
    const size = bookPositions(view, b, positions);
    for (let t = 0; t < size; t++) book[t] = x[positions[t]];
    sortFloat32(book.subarray(0, size), scratch);
    const sorted = sortedRoom.subarray(0, size);
    sorted.set(book.subarray(0, size));
    const c = kmeans1d(sorted, k, mulberry32(seed + b * 0x9e3779b1), iterations);
    scale[b] = centroidsToInt8(c, centroids, b * k);
    for (let j = 0; j < k; j++) decoded[j] = Math.fround(scale[b] * centroids[b * k + j]);
    for (let t = 0; t < size; t++) {
      const i = positions[t];
      setIndex(indices, bits, i, nearest(decoded, k, x[i]));
    }
  }
  const codebook: Codebook = { centroids, scale };
  if (view.axis !== undefined) codebook.axis = view.axis;
  if (view.granularity === 2) codebook.groupSize = view.groupSize;
  return { indices, bits, shape: shape.slice(), codebook };
}

/**
 * Index in [0, k) of the entry of sorted d[0 .. k) nearest to v; a tie goes to the lower
 * index. The lower bound (the first entry >= v) without branches, whose outcomes on real weights
 * are coin flips (a binary search's took most of quantizeCodebook's own time): k = 16 counts the
 * entries below v, independent comparisons; k = 256 halves (k a power of two).
 */
function nearest(d: Float64Array, k: number, v: number): number {
  let lo = 0;
  if (k === 16) {
    for (let j = 0; j < 16; j++) lo += Number(d[j] < v);
  } else {
    for (let half = k >> 1; half >= 1; half >>= 1) lo += half * Number(d[lo + half - 1] < v);
    lo += Number(lo === k - 1 && d[lo] < v);
  }
  if (lo === k) return k - 1;
  if (lo === 0) return 0;
  return lo - Number(v - d[lo - 1] <= d[lo] - v);
}

/** @internal */
export interface CheckedCodebook {
  t: CodebookTensor;
  count: number;
  view: QView;
  books: number;
}

/** @internal */
export function checkCodebookTensor(fn: string, name: string, t: unknown): CheckedCodebook {
  if (t === null || typeof t !== 'object') throw typeError(fn, `${name} must be a CodebookTensor { indices, bits, shape, codebook }`);
  const { indices, bits, shape, codebook } = t as Partial<CodebookTensor>;
  const b = checkBits(fn, bits);
  const count = checkShape(fn, `${name}.shape`, shape);
  checkArray(fn, `${name}.indices`, indices, 'Uint8Array', b === 4 ? Math.ceil(count / 2) : count);
  if (codebook === null || typeof codebook !== 'object') throw typeError(fn, `${name}.codebook must be an object`);
  const view = makeView(fn, shape as number[], codebook.axis, codebook.groupSize);
  const books = paramCount(view);
  checkArray(fn, `${name}.codebook.centroids`, codebook.centroids, 'Int8Array', books * 2 ** b);
  checkScales(fn, `${name}.codebook.scale`, checkArray(fn, `${name}.codebook.scale`, codebook.scale, 'Float32Array', books));
  return { t: t as CodebookTensor, count, view, books };
}

/** x[i] = scale[book] * centroids[book][index i] (float32). */
export function dequantizeCodebook(t: CodebookTensor, out?: Float32Array): Float32Array {
  const fn = 'dequantizeCodebook';
  const { count, view } = checkCodebookTensor(fn, 't', t);
  const dst = out === undefined ? new Float32Array(count) : checkArray(fn, 'out', out, 'Float32Array', count);
  const k = 2 ** t.bits;
  const bookOf = bookOfEach(view, count);
  const { centroids, scale } = t.codebook;
  for (let i = 0; i < count; i++) dst[i] = Math.fround(scale[bookOf[i]] * centroids[bookOf[i] * k + getIndex(t.indices, t.bits, i)]);
  return dst;
}

/**
 * The decoded tensor as int8 with zero point 0 and the codebook scales as quantization parameters.
 * packWeights() of it, then the ordinary matmuls, is the reference the codebook kernels must equal.
 */
export function codebookToQTensor(t: CodebookTensor): QTensor {
  const fn = 'codebookToQTensor';
  const { count, view, books } = checkCodebookTensor(fn, 't', t);
  const k = 2 ** t.bits;
  const bookOf = bookOfEach(view, count);
  const data = new Int8Array(count);
  for (let i = 0; i < count; i++) data[i] = t.codebook.centroids[bookOf[i] * k + getIndex(t.indices, t.bits, i)];
  const scale = Float32Array.from(t.codebook.scale);
  if (view.granularity === 0) return { data, shape: t.shape.slice(), quant: { dtype: 'int8', scale: scale[0], zeroPoint: 0 } };
  const quant: QTensor['quant'] = { dtype: 'int8', scale, zeroPoint: new Int32Array(books), axis: view.axis };
  if (view.granularity === 2) quant.groupSize = view.groupSize;
  return { data, shape: t.shape.slice(), quant };
}

// ------------------------------------------------------------------------------- log2 ----

const MIN_EXPONENT = -143; // 2^(e - 6), the 4-bit codebook scale, stays a float32 (>= 2^-149)
const MAX_EXPONENT = 127;

const exponentView = new Float64Array(1);
const exponentBits = new Uint32Array(exponentView.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;  // little-endian: word 1

/**
 * The exponent t of the power of two nearest to a > 0 (a tie, 1.5 * 2^p, goes up): from a's float64
 * bits (every value here is float32, so a normal float64), p = its exponent, plus one when the
 * fraction is at least 0.5 (its top bit). Math.log2 and powers of two took most of quantizeLog2.
 */
function nearestExponent(a: number): number {
  exponentView[0] = a;
  const high = exponentBits[HIGH_WORD];
  return ((high >>> 20) & 0x7ff) - 1023 + ((high >>> 19) & 1);
}

export interface Log2Options {
  /** 4 (default: 7 exponents, a codebook the kernels run) or 8 (127 exponents). */
  bits?: 4 | 8;
  /** Per channel along this axis; absent = per tensor. */
  axis?: number;
}

/**
 * Power-of-two quantization: the maximum exponent E of each channel is that of the power of two
 * nearest to its max |x| (clamped to [-143, 127]); each value becomes the nearest of 0 and
 * +-2^e, e in (E - levels, E] (ties away from zero; larger values clip to 2^E).
 */
export function quantizeLog2(x: Float32Array, shape: number[], opts?: Log2Options): Log2Tensor {
  const fn = 'quantizeLog2';
  const o = checkOptions(fn, opts, ['bits', 'axis']) as Log2Options;
  const count = checkShape(fn, 'shape', shape);
  checkArray(fn, 'x', x, 'Float32Array', count);
  const bits = o.bits === undefined ? 4 : checkBits(fn, o.bits);
  const view = makeView(fn, shape, o.axis, undefined);
  checkFinite(fn, 'x', x);
  const levels = bits === 4 ? 7 : 127;
  const channels = paramCount(view);
  const bookOf = bookOfEach(view, count);
  const absMax = new Float64Array(channels);
  for (let i = 0; i < count; i++) absMax[bookOf[i]] = Math.max(absMax[bookOf[i]], Math.abs(x[i]));
  const maxExp = Int32Array.from(absMax, (a) => (a === 0 ? 0 : Math.max(MIN_EXPONENT, Math.min(MAX_EXPONENT, nearestExponent(a)))));
  const codes = new Uint8Array(bits === 4 ? Math.ceil(count / 2) : count);
  const signBit = 1 << (bits - 1);
  for (let i = 0; i < count; i++) {
    const a = Math.abs(x[i]);
    if (a === 0) continue;
    const low = maxExp[bookOf[i]] - levels; // m = 1 is 2^(low + 1)
    let m = nearestExponent(a) - low;
    if (m > levels) m = levels;
    else if (m < 1) m = a >= 2 ** (low + 1) / 2 ? 1 : 0;
    if (m === 0) continue;
    setIndex(codes, bits, i, (x[i] < 0 ? signBit : 0) | m);
  }
  const t: Log2Tensor = { codes, bits, shape: shape.slice(), maxExponent: view.granularity === 0 ? maxExp[0] : maxExp };
  if (view.axis !== undefined) t.axis = view.axis;
  return t;
}

function checkLog2Tensor(fn: string, name: string, t: unknown): { count: number; view: QView; maxExp: Int32Array } {
  if (t === null || typeof t !== 'object') throw typeError(fn, `${name} must be a Log2Tensor { codes, bits, shape, maxExponent }`);
  const { codes, bits, shape, maxExponent, axis } = t as Partial<Log2Tensor>;
  const b = checkBits(fn, bits);
  const count = checkShape(fn, `${name}.shape`, shape);
  checkArray(fn, `${name}.codes`, codes, 'Uint8Array', b === 4 ? Math.ceil(count / 2) : count);
  const view = makeView(fn, shape as number[], axis, undefined);
  const maxExp = view.granularity === 0
    ? Int32Array.of(checkInteger(fn, `${name}.maxExponent`, maxExponent, MIN_EXPONENT, MAX_EXPONENT))
    : checkArray(fn, `${name}.maxExponent`, maxExponent, 'Int32Array', paramCount(view));
  for (let i = 0; i < maxExp.length; i++) {
    if (maxExp[i] < MIN_EXPONENT || maxExp[i] > MAX_EXPONENT) {
      throw rangeError(fn, `${name}.maxExponent[${i}] (${maxExp[i]}) is outside [${MIN_EXPONENT}, ${MAX_EXPONENT}]`, ErrorCodes.OUT_OF_RANGE);
    }
  }
  return { count, view, maxExp };
}

/** x[i] = sign * 2^(maxExponent - levels + m), or 0 for m = 0 (float32). */
export function dequantizeLog2(t: Log2Tensor, out?: Float32Array): Float32Array {
  const fn = 'dequantizeLog2';
  const { count, view, maxExp } = checkLog2Tensor(fn, 't', t);
  const dst = out === undefined ? new Float32Array(count) : checkArray(fn, 'out', out, 'Float32Array', count);
  const levels = t.bits === 4 ? 7 : 127;
  const mask = t.bits === 4 ? 7 : 127;
  const signBit = 1 << (t.bits - 1);
  const bookOf = bookOfEach(view, count);
  for (let i = 0; i < count; i++) {
    const c = getIndex(t.codes, t.bits, i);
    const m = c & mask;
    dst[i] = m === 0 ? 0 : Math.fround((c & signBit ? -1 : 1) * 2 ** (maxExp[bookOf[i]] - levels + m));
  }
  return dst;
}

/**
 * 4-bit power-of-two codes as a codebook with the same indices: per channel the 16 int8 entries
 * 0, 1, 2, 4, ..., 64, 0, -1, -2, ..., -64 and scale 2^(maxExponent - 6). Decodes to exactly
 * dequantizeLog2(t), and runs on the look-up-table kernels. (8-bit codes span 127 octaves, which
 * no int8 table holds: they have no integer matmul path.)
 */
export function log2ToCodebook(t: Log2Tensor): CodebookTensor {
  const fn = 'log2ToCodebook';
  const { view, maxExp } = checkLog2Tensor(fn, 't', t);
  if (t.bits !== 4) {
    throw rangeError(fn, `only 4-bit codes map to an int8 codebook (7 octaves); 8-bit codes span 127`, ErrorCodes.OUT_OF_RANGE);
  }
  const books = maxExp.length;
  const centroids = new Int8Array(books * 16);
  const scale = new Float32Array(books);
  for (let b = 0; b < books; b++) {
    for (let m = 1; m < 8; m++) {
      centroids[b * 16 + m] = 2 ** (m - 1);
      centroids[b * 16 + 8 + m] = -(2 ** (m - 1));
    }
    scale[b] = 2 ** (maxExp[b] - 6);
  }
  const codebook: Codebook = { centroids, scale };
  if (view.axis !== undefined) codebook.axis = view.axis;
  return { indices: t.codes.slice(), bits: 4, shape: t.shape.slice(), codebook };
}
