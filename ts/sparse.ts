/**
 * Sparse weights: pruned, quantized B in a format whose kernels skip the zeros (CSR, BSR blocks,
 * N:M), or the dense layout when no sparse format would be faster. Accepted by matmulInt32,
 * matmul, matmulDequantize and matmulF32 (and their Async twins) wherever PackedWeights is.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { native, type Bytes, type NativeDType, type NativeHandle, type NativeMatmul } from './native';
import { NativeOwner } from './native-owner';
import { checkQTensor } from './qtensor';
import type { QDType, QTensor } from './types';
import { checkInteger, checkOptions, dtypeRange, maxAbsOffset, nativeDType } from './validate';
import { checkPacked, PackedWeights, type WeightsLayout } from './weights';

/**
 * 'auto' picks the cheapest structure the weights have, or 'dense' when none would be faster.
 * 'sell' (sliced ELLPACK over windows of 128 k) holds unstructured weights for a byte-permute kernel
 * (AVX-512 VBMI, ARM TBL) or 16-byte lookups (vpshufb: AVX2, AVX-VNNI, AVX-512 without VBMI): their
 * GEMV layout, at 90 % sparsity about 3.5x the dense GEMV by permutes and 1.5-3x by lookups, where
 * CSR's gathers run 0.3-0.7x.
 */
export type SparseFormat = 'auto' | 'csr' | 'bsr' | 'nm' | 'sell' | 'dense';

export interface PackSparseOptions {
  /** Layout of w: 'kn' ([K, N], default) or 'nk' ([N, K]). */
  layout?: WeightsLayout;
  /** Default 'auto'; 'bsr' when `block` is given, 'nm' when `nm` is given. */
  format?: SparseFormat;
  /** BSR block [r, c]: r output channels x c consecutive k (1..16 x 1..64). */
  block?: [number, number];
  /** N:M along K: at most n non-zeros in every m consecutive k (n in {1, 2, 4}, 4m/n <= 16). */
  nm?: [number, number];
  /**
   * For 'auto': the rows of A (M) a call will have. Default 1 (decode): formats are weighed by their
   * measured GEMV cost. From 8 on, by their cost in batches, where the dense kernel is compute-bound:
   * 1x16 blocks then stay dense below about 65 % sparsity, and N:M is kept (2:4 and 4:8 run about
   * as fast as dense there, in 3/4 of the bytes). CSR and 4x1 blocks pay from fewer zeros the more
   * rows: unstructured weights pack as CSR from about 82 % sparsity at 64 rows, 89 % at 32, or as
   * SELL where its kernel runs (for GEMV from about 70 % by permutes, 75-83 % by lookups, which run
   * a row at a time and so need more zeros for 2-7 rows; in batches only by permutes).
   */
  rows?: number;
}

/** @internal */
export interface NativeSparse extends NativeHandle {
  info(): { format: Exclude<SparseFormat, 'auto'>; blockR: number; blockC: number; nmN: number; nmM: number; nnz: number;
    streamBytes: number };
}

interface NativeSparseAddon {
  packSparse(data: Bytes, dtype: NativeDType, layoutNk: boolean, k: number, n: number, zeroPoint: Int32Array,
    scale: Float32Array | null, format: number, blockR: number, blockC: number, nmN: number, nmM: number,
    rows: number): NativeSparse;
  sparseMatmulInt32: NativeMatmul['matmulInt32'];
  sparseMatmulRequant: NativeMatmul['matmulRequant'];
  sparseMatmulDequant: NativeMatmul['matmulDequant'];
  sparseMatmulF32: NativeMatmul['matmulF32'];
  sparseIsa(): string;
  sparseIsaCalls(isa: string): number;
  sparseSellKernel(): SellKernel;
}

const nativeSparse = native as unknown as NativeSparseAddon;

const sparseEntry: NativeMatmul = {
  matmulInt32: nativeSparse.sparseMatmulInt32,
  matmulRequant: nativeSparse.sparseMatmulRequant,
  matmulDequant: nativeSparse.sparseMatmulDequant,
  matmulF32: nativeSparse.sparseMatmulF32,
};

const FORMAT_CODES: Record<SparseFormat, number> = { auto: 0, csr: 1, bsr: 2, nm: 3, dense: 4, sell: 5 };

/**
 * Sparse (or dense-fallback) weights ready for matmul. Owns native memory: released when
 * garbage-collected, or at once by dispose(); any use after dispose() throws a TypeError with code
 * ERR_EDGE_INT8_DISPOSED.
 */
export class SparseWeights {
  readonly k: number;
  readonly n: number;
  readonly dtype: QDType;
  readonly layout: WeightsLayout;
  /** Always 0: sparse weights have one scale per tensor or per column. */
  readonly groupSize = 0;
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  /** The largest |B - zb| any weight can have with these zero points (for the K bound). */
  readonly maxAbsB: number;
  /** The format chosen ('csr', 'bsr', 'nm', 'sell' or 'dense'). */
  readonly format: Exclude<SparseFormat, 'auto'>;
  /** BSR block [r, c] ([1, 1] for CSR), or null. */
  readonly block: [number, number] | null;
  /** N:M, or null. */
  readonly nm: [number, number] | null;
  /** Weights that are not zero (B != zero point). */
  readonly nnz: number;
  /** nnz / (k * n). */
  readonly density: number;
  /** Bytes the kernels stream per call: values plus index metadata (k * n for 'dense'). */
  readonly streamBytes: number;
  /** k * n: the bytes a dense kernel streams. */
  readonly denseBytes: number;
  readonly #owner: NativeOwner<NativeSparse>;

  /** @internal Use packSparse(). */
  constructor(handle: NativeSparse, k: number, n: number, dtype: QDType, layout: WeightsLayout, scale: Float32Array,
    zeroPoint: Int32Array) {
    this.#owner = new NativeOwner(handle, 'SparseWeights');
    this.k = k;
    this.n = n;
    this.dtype = dtype;
    this.layout = layout;
    this.scale = scale;
    this.zeroPoint = zeroPoint;
    this.maxAbsB = maxAbsOffset(dtype, zeroPoint);
    const info = handle.info();
    this.format = info.format;
    this.block = info.format === 'csr' || info.format === 'bsr' ? [info.blockR, info.blockC] : null;
    this.nm = info.format === 'nm' ? [info.nmN, info.nmM] : null;
    this.nnz = info.nnz;
    this.density = info.nnz / (k * n);
    this.streamBytes = info.streamBytes;
    this.denseBytes = k * n;
  }

  get disposed(): boolean {
    return this.#owner.disposed;
  }

  /** Bytes of native memory held (format, parameters, column sums). */
  get bytes(): number {
    return this.#owner.live('bytes').bytes();
  }

  /** Frees the native memory now. Idempotent. */
  dispose(): void {
    this.#owner.dispose();
  }

  /** @internal The id the native matmul functions take, or a DISPOSED TypeError naming `fn`. */
  handle(fn: string): number {
    return this.#owner.id(fn);
  }

  /** @internal The native matmul functions that take handle(). */
  nativeMatmul(): NativeMatmul {
    return sparseEntry;
  }
}

/** Weights a matmul accepts. */
export type Weights = PackedWeights | SparseWeights;

/** @internal PackedWeights or SparseWeights, not disposed. */
export function checkWeights(fn: string, name: string, b: unknown): Weights {
  if (b instanceof SparseWeights) {
    b.handle(fn);
    return b;
  }
  if (!(b instanceof PackedWeights)) {
    throw typeError(fn, `${name} must be PackedWeights from packWeights() or SparseWeights from packSparse()`);
  }
  return checkPacked(fn, name, b);
}

function checkPair(fn: string, name: string, value: unknown, lo: number, hi: number): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw typeError(fn, `${name} must be [number, number]`);
  return [checkInteger(fn, `${name}[0]`, value[0], lo, hi), checkInteger(fn, `${name}[1]`, value[1], lo, hi)];
}

/** First output channel and group that has more than n non-zeros in m consecutive k, or null. */
function nmViolation(data: Int8Array | Uint8Array, k: number, n: number, zp: Int32Array, kn: boolean, keep: number,
  m: number): [number, number] | null {
  for (let col = 0; col < n; col++) {
    const z = zp.length === 1 ? zp[0] : zp[col];
    for (let k0 = 0; k0 < k; k0 += m) {
      let count = 0;
      for (let kk = k0; kk < Math.min(k, k0 + m); kk++) count += data[kn ? kk * n + col : col * k + kk] !== z ? 1 : 0;
      if (count > keep) return [col, k0];
    }
  }
  return null;
}

/**
 * Packs pruned, quantized weights (2-D, per tensor or per output channel) into a sparse format.
 * A weight is zero when it equals its zero point (real 0.0). The stored values are w = B - zb,
 * which must fit int8 (always true for symmetric int8 and for uint8 with zero point 128).
 * 'auto' (default) detects N:M (1:4, 2:4, 4:8) and blocks (4x4, 1x16, 1x4, 4x1, CSR), weighs SELL
 * where the sparse path in use has a SIMD kernel for it, keeps the one with the fewest
 * cost-weighted bytes, and falls back to 'dense' when that does not beat k * n (the measured density
 * threshold, README "Sparse weights"); the costs are those of GEMV, or of
 * batches when opts.rows >= 8. Results equal the dense path exactly.
 */
export function packSparse(w: QTensor, opts?: PackSparseOptions): SparseWeights {
  const fn = 'packSparse';
  const o = checkOptions(fn, opts, ['layout', 'format', 'block', 'nm', 'rows']) as PackSparseOptions;
  const layout = o.layout ?? 'kn';
  if (layout !== 'kn' && layout !== 'nk') {
    throw rangeError(fn, `layout must be 'kn' or 'nk', got ${String(layout)}`, ErrorCodes.OUT_OF_RANGE);
  }
  const block = o.block === undefined ? null : checkPair(fn, 'block', o.block, 1, 64);
  const nm = o.nm === undefined ? null : checkPair(fn, 'nm', o.nm, 1, 64);
  const format = o.format ?? (block ? 'bsr' : nm ? 'nm' : 'auto');
  if (!(format in FORMAT_CODES)) {
    throw rangeError(fn, `format must be one of ${Object.keys(FORMAT_CODES).join(', ')}, got ${String(format)}`,
      ErrorCodes.OUT_OF_RANGE);
  }
  const rows = o.rows === undefined ? 1 : checkInteger(fn, 'rows', o.rows, 1, 0x7fffffff);
  if (o.rows !== undefined && format !== 'auto') {
    throw rangeError(fn, `rows applies to format 'auto' only, got format '${format}'`, ErrorCodes.OUT_OF_RANGE);
  }
  if (format === 'bsr' && !block) throw typeError(fn, "format 'bsr' needs block: [r, c]");
  if (format === 'nm' && !nm) throw typeError(fn, "format 'nm' needs nm: [n, m]");
  if ((block && format !== 'bsr') || (nm && format !== 'nm')) {
    throw rangeError(fn, `block/nm do not apply to format '${format}'`, ErrorCodes.OUT_OF_RANGE);
  }
  if (block && (block[0] > 16 || block[1] > 64)) {
    throw rangeError(fn, `block [${block.join(', ')}] must be at most [16, 64]`, ErrorCodes.OUT_OF_RANGE);
  }
  if (nm && !([1, 2, 4].includes(nm[0]) && nm[1] >= nm[0] && (4 * nm[1]) / nm[0] <= 16)) {
    throw rangeError(fn, `nm [${nm.join(', ')}] is not supported: n must be 1, 2 or 4, m >= n, and 4m/n <= 16 ` +
      '(e.g. 1:4, 2:4, 4:8)', ErrorCodes.OUT_OF_RANGE);
  }
  const t = checkQTensor(fn, 'w', w);
  if (t.shape.length !== 2) throw rangeError(fn, `w.shape must be 2-D, got [${t.shape.join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  const kAxis = layout === 'kn' ? 0 : 1;
  const nAxis = 1 - kAxis;
  const k = t.shape[kAxis];
  const n = t.shape[nAxis];
  if (t.view.granularity === 2) {
    throw rangeError(fn, 'per-group weights are not supported by sparse formats (quantize per tensor or per channel)',
      ErrorCodes.INVALID_SHAPE);
  }
  if (t.view.granularity === 1 && t.view.axis !== nAxis) {
    throw rangeError(fn, `per-channel weights must be quantized along the N axis (${nAxis} for '${layout}'), got axis ${t.view.axis}`,
      ErrorCodes.INVALID_SHAPE);
  }
  const kn = layout === 'kn';
  const cIndex = format === 'csr' ? 1 : block ? block[1] : 1;
  if ((format === 'csr' || format === 'bsr') && Math.ceil(k / cIndex) > 65536) {
    throw rangeError(fn, `k (${k}) needs more than 65536 block columns of ${cIndex} (16-bit indices)`, ErrorCodes.INVALID_SHAPE);
  }
  const [lo, hi] = dtypeRange(t.dtype);
  for (let col = 0; col < n; col++) {
    const z = t.zeroPoint.length === 1 ? t.zeroPoint[0] : t.zeroPoint[col];
    if (z - lo > 128 || hi - z > 127) {
      // Only the weights present matter: find one that does not fit.
      for (let kk = 0; kk < k; kk++) {
        const v = t.data[kn ? kk * n + col : col * k + kk] - z;
        if (v < -128 || v > 127) {
          throw rangeError(fn, `w - zeroPoint = ${v} at k ${kk}, column ${col} does not fit int8: sparse formats store ` +
            'w - zeroPoint (use symmetric weights)', ErrorCodes.OUT_OF_RANGE);
        }
      }
    }
  }
  if (nm) {
    const bad = nmViolation(t.data, k, n, t.zeroPoint, kn, nm[0], nm[1]);
    if (bad) {
      throw rangeError(fn, `w is not ${nm[0]}:${nm[1]} sparse: output channel ${bad[0]} has more than ${nm[0]} non-zeros ` +
        `in k ${bad[1]}..${Math.min(k, bad[1] + nm[1]) - 1}`, ErrorCodes.PATTERN_MISMATCH);
    }
  }
  const handle = nativeSparse.packSparse(t.data, nativeDType(t.dtype), !kn, k, n, t.zeroPoint, t.scale, FORMAT_CODES[format],
    block ? block[0] : 0, block ? block[1] : 0, nm ? nm[0] : 0, nm ? nm[1] : 0, rows);
  return new SparseWeights(handle, k, n, t.dtype, layout, t.scale.slice(), t.zeroPoint.slice());
}

/**
 * The sparse kernel path the next call runs: the one named like the dense path in use (setIsa),
 * the best one when the dense path is the best, 'ref' under 'ref'.
 */
export function sparseIsa(): string {
  return nativeSparse.sparseIsa();
}

/** How the sparse path in use gathers SELL's activations (see sparseSellKernel). */
export type SellKernel = 'permute' | 'lookups' | 'portable' | 'ref';

/**
 * How the sparse path in use runs SELL (unstructured weights for a GEMV): 'permute' (a byte permute
 * over each 128-k window: AVX-512 VBMI, arm64), 'lookups' (16-byte lookups: AVX2, AVX-VNNI, AVX-512
 * without VBMI), 'portable' (a C++ loop: scalar, sse41; packSparse's 'auto' never picks SELL there),
 * 'ref' under setIsa('ref'). 'auto' weighs SELL by it.
 */
export function sparseSellKernel(): SellKernel {
  return nativeSparse.sparseSellKernel();
}

/**
 * How many calls each sparse kernel path has served since load (tests use it to prove a path ran).
 * `'<isa>:narrow'` counts the calls of them served by the path's kernels for weights without -128
 * (avx2 and sse41: the sign trick, where other weights take an exact widening dot).
 */
export function sparseIsaCalls(isa: string): number {
  if (typeof isa !== 'string') throw typeError('sparseIsaCalls', 'isa must be a string');
  return nativeSparse.sparseIsaCalls(isa);
}
