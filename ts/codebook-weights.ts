/**
 * Codebook weights (see nonlinear.ts) packed for matmul, and the matmuls over them. 4-bit indices
 * stay 4-bit and run on the look-up-table kernels (csrc/kernels/codebook_lut.cc and the per-ISA
 * lut4_* kernels); 8-bit ones are decoded to int8 when packed and run on the int8 kernels. Either
 * way the results are exactly those of matmul on packWeights(codebookToQTensor(t)): validation
 * and the call itself are matmul.ts's, shared through MatmulWeights.
 */
import { ErrorCodes, rangeError, typeError } from './errors';
import { native, type NativeHandle, type NativeMatmul } from './native';
import { NativeOwner } from './native-owner';
import {
  dequantCall, f32Call, int32Call, requantCall, settled, type DequantizeOptions, type MatmulF32Options, type MatmulOptions,
} from './matmul';
import { checkCodebookTensor, codebookToQTensor, type CodebookTensor } from './nonlinear';
import type { QTensor } from './types';
import { checkOptions } from './validate';
import { packWeights, type PackedWeights, type WeightsLayout } from './weights';

/** The native functions of csrc/napi/codebook_napi.cc. */
interface CodebookNative {
  codebookPack(indices: Uint8Array, layoutNk: boolean, k: number, n: number, tables: Int8Array, scales: Float32Array,
    nBooks: number, groupSize: number): NativeHandle;
  codebookMatmulInt32: NativeMatmul['matmulInt32'];
  codebookMatmulRequant: NativeMatmul['matmulRequant'];
  codebookMatmulDequant: NativeMatmul['matmulDequant'];
  codebookMatmulF32: NativeMatmul['matmulF32'];
  codebookKernels(): { available: string[]; current: string };
  setCodebookKernel(name: string): void;
  codebookKernelCalls(name: string): number;
}

const lut = native as unknown as CodebookNative;

const lutEntry: NativeMatmul = {
  matmulInt32: lut.codebookMatmulInt32,
  matmulRequant: lut.codebookMatmulRequant,
  matmulDequant: lut.codebookMatmulDequant,
  matmulF32: lut.codebookMatmulF32,
};

export interface PackCodebookOptions {
  /** 'kn': the tensor is [K, N] (default); 'nk': [N, K]. */
  layout?: WeightsLayout;
}

/**
 * Codebook weights ready for the codebook matmuls. Owns native memory: released when
 * garbage-collected, or at once by dispose(); any use after dispose() throws ERR_EDGE_INT8_DISPOSED.
 */
export class CodebookWeights {
  readonly k: number;
  readonly n: number;
  readonly bits: 4 | 8;
  readonly layout: WeightsLayout;
  /** 0 unless one codebook per group of groupSize along K. */
  readonly groupSize: number;
  /** Scale per column (or per (group, column), index g * n + column); length 1 if per tensor. */
  readonly scale: Float32Array;
  /** The largest |B| a decoded weight can have (int8 centroids, zero point 0): for the K bound. */
  readonly maxAbsB: number;
  // Exactly one of the two: 4 bits keep the look-up-table form, 8 bits are int8 packed weights.
  readonly #lut: NativeOwner<NativeHandle> | null;
  readonly #int8: PackedWeights | null;

  /** @internal Use packCodebook(). */
  constructor(handle: NativeHandle | null, int8: PackedWeights | null, k: number, n: number, bits: 4 | 8,
    layout: WeightsLayout, groupSize: number, scale: Float32Array) {
    this.#lut = handle ? new NativeOwner(handle, 'CodebookWeights') : null;
    this.#int8 = int8;
    this.k = k;
    this.n = n;
    this.bits = bits;
    this.layout = layout;
    this.groupSize = groupSize;
    this.scale = scale;
    this.maxAbsB = int8 ? int8.maxAbsB : 128;
  }

  get disposed(): boolean {
    return this.#lut ? this.#lut.disposed : this.#int8!.disposed;
  }

  /** Bytes of native memory held (4 bits: indices, tables, scales and column sums). */
  get bytes(): number {
    return this.#lut ? this.#lut.live('bytes').bytes() : this.#int8Live('bytes').bytes;
  }

  dispose(): void {
    this.#lut?.dispose();
    this.#int8?.dispose();
  }

  /**
   * @internal The id of the native weights the matmul functions take (the look-up-table form for
   * 4 bits, int8 packed weights for 8), or a DISPOSED TypeError naming `fn`.
   */
  handle(fn: string): number {
    return this.#lut ? this.#lut.id(fn) : this.#int8Live(fn).handle(fn);
  }

  /** The int8 form (8 bits), or a DISPOSED TypeError that names this class and `fn`. */
  #int8Live(fn: string): PackedWeights {
    if (this.#int8!.disposed) throw typeError(fn, 'CodebookWeights used after dispose()', ErrorCodes.DISPOSED);
    return this.#int8!;
  }

  /** @internal The native matmul functions that take handle(). */
  nativeMatmul(): NativeMatmul {
    return this.#int8 ? this.#int8.nativeMatmul() : lutEntry;
  }
}

/**
 * Packs codebook weights (2-D) for the codebook matmuls. Books may be per tensor, per output column
 * (axis = the N axis: 1 for 'kn', 0 for 'nk') or per group along K (axis = the K axis, groupSize).
 * 4-bit indices stay 4-bit (the look-up-table kernels); 8-bit ones are decoded to int8 and packed
 * for the int8 kernels. The data is copied.
 */
export function packCodebook(t: CodebookTensor, opts?: PackCodebookOptions): CodebookWeights {
  const fn = 'packCodebook';
  const o = checkOptions(fn, opts, ['layout']) as PackCodebookOptions;
  const layout = o.layout ?? 'kn';
  if (layout !== 'kn' && layout !== 'nk') throw rangeError(fn, `layout must be 'kn' or 'nk', got ${String(layout)}`, ErrorCodes.OUT_OF_RANGE);
  const c = checkCodebookTensor(fn, 't', t);
  if (t.shape.length !== 2) throw rangeError(fn, `t.shape must be 2-D, got [${t.shape.join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  const kAxis = layout === 'kn' ? 0 : 1;
  const nAxis = 1 - kAxis;
  const k = t.shape[kAxis];
  const n = t.shape[nAxis];
  const v = c.view;
  if (v.granularity === 1 && v.axis !== nAxis) {
    throw rangeError(fn, `per-channel codebooks must be along the N axis (${nAxis} for '${layout}'), got axis ${v.axis}`,
      ErrorCodes.INVALID_SHAPE);
  }
  if (v.granularity === 2 && v.axis !== kAxis) {
    throw rangeError(fn, `per-group codebooks must be grouped along the K axis (${kAxis} for '${layout}'), got axis ${v.axis}`,
      ErrorCodes.INVALID_SHAPE);
  }
  const groupSize = v.granularity === 2 ? v.groupSize : 0;
  if (t.bits === 8) {
    const w = packWeights(codebookToQTensor(t), { layout });
    return new CodebookWeights(null, w, k, n, 8, layout, w.groupSize, w.scale);
  }
  let centroids = t.codebook.centroids;
  let scale = t.codebook.scale;
  if (v.granularity === 2 && layout === 'nk') {
    // Books arrive as [N, groups]; the core indexes them g * N + n.
    const groups = Math.ceil(k / groupSize);
    centroids = new Int8Array(groups * n * 16);
    scale = new Float32Array(groups * n);
    for (let col = 0; col < n; col++) {
      for (let g = 0; g < groups; g++) {
        centroids.set(t.codebook.centroids.subarray((col * groups + g) * 16, (col * groups + g + 1) * 16), (g * n + col) * 16);
        scale[g * n + col] = t.codebook.scale[col * groups + g];
      }
    }
  }
  const handle = lut.codebookPack(t.indices, layout === 'nk', k, n, centroids, scale, c.books, groupSize);
  return new CodebookWeights(handle, null, k, n, 4, layout, groupSize, Float32Array.from(scale));
}

// ---------------------------------------------------------------------------- matmuls ----

function checkCodebookWeights(fn: string, b: unknown): CodebookWeights {
  if (!(b instanceof CodebookWeights)) throw typeError(fn, 'b must be CodebookWeights from packCodebook()');
  b.handle(fn);
  return b;
}

/** C[m, n] = sum_k (A[m, k] - za) * B[k, n], B decoded to int8 (matmulInt32 on codebookToQTensor). */
export function codebookMatmulInt32(a: QTensor, b: CodebookWeights, out?: Int32Array): Int32Array {
  const fn = 'codebookMatmulInt32';
  return int32Call(fn, a, checkCodebookWeights(fn, b), out, false) as Int32Array;
}

export function codebookMatmulInt32Async(a: QTensor, b: CodebookWeights, out?: Int32Array): Promise<Int32Array> {
  const fn = 'codebookMatmulInt32Async';
  return settled(() => int32Call(fn, a, checkCodebookWeights(fn, b), out, true));
}

/** Requantized output, exactly matmul(a, packWeights(codebookToQTensor(t)), opts). */
export function codebookMatmul(a: QTensor, b: CodebookWeights, opts: MatmulOptions): QTensor {
  const fn = 'codebookMatmul';
  return requantCall(fn, a, checkCodebookWeights(fn, b), opts, false) as QTensor;
}

export function codebookMatmulAsync(a: QTensor, b: CodebookWeights, opts: MatmulOptions): Promise<QTensor> {
  const fn = 'codebookMatmulAsync';
  return settled(() => requantCall(fn, a, checkCodebookWeights(fn, b), opts, true));
}

/** Float output, exactly matmulDequantize(a, packWeights(codebookToQTensor(t)), opts). */
export function codebookMatmulDequantize(a: QTensor, b: CodebookWeights, opts?: DequantizeOptions): Float32Array {
  const fn = 'codebookMatmulDequantize';
  return dequantCall(fn, a, checkCodebookWeights(fn, b), opts, false) as Float32Array;
}

export function codebookMatmulDequantizeAsync(a: QTensor, b: CodebookWeights, opts?: DequantizeOptions):
  Promise<Float32Array> {
  const fn = 'codebookMatmulDequantizeAsync';
  return settled(() => dequantCall(fn, a, checkCodebookWeights(fn, b), opts, true));
}

/**
 * Dynamic quantization (f32 in, f32 out) over codebook weights: exactly
 * matmulF32(a, shape, packWeights(codebookToQTensor(t)), opts).
 */
export function codebookMatmulF32(a: Float32Array, shape: number[], b: CodebookWeights, opts?: MatmulF32Options): Float32Array {
  const fn = 'codebookMatmulF32';
  return f32Call(fn, a, shape, checkCodebookWeights(fn, b), opts, false) as Float32Array;
}

export function codebookMatmulF32Async(a: Float32Array, shape: number[], b: CodebookWeights, opts?: MatmulF32Options):
  Promise<Float32Array> {
  const fn = 'codebookMatmulF32Async';
  return settled(() => f32Call(fn, a, shape, checkCodebookWeights(fn, b), opts, true));
}

// ------------------------------------------------------------------------ kernel choice ----

export interface CodebookKernelInfo {
  /** Kernels usable here, 'ref' (decode, then the reference matmul) first, best last. */
  available: string[];
  /** The kernel 4-bit codebook matmuls use now. */
  current: string;
}

/** Which look-up-table kernels this CPU and binary have, and which one runs. */
export function codebookKernels(): CodebookKernelInfo {
  const info = lut.codebookKernels();
  return { available: info.available.slice(), current: info.current };
}

/**
 * Forces a look-up-table kernel ('auto' returns to the default: the kernel follows setIsa — 'ref'
 * runs the reference, the best path the best kernel, a forced path the best kernel of that
 * instruction set or a lower one). For tests and benchmarks.
 */
export function setCodebookKernel(name: string): void {
  const available = lut.codebookKernels().available;
  if (name !== 'auto' && !available.includes(name)) {
    throw rangeError('setCodebookKernel', `kernel '${String(name)}' is not available here (available: auto, ${available.join(', ')})`,
      ErrorCodes.UNKNOWN_ISA);
  }
  lut.setCodebookKernel(name);
}

/** Calls each look-up-table kernel has served since load (tests use it to prove a kernel ran). */
export function codebookKernelCalls(name: string): number {
  return lut.codebookKernelCalls(name);
}
