/** Packed weights: quantized B copied once into the layout the selected kernels read. */
import { ErrorCodes, rangeError, typeError } from './errors';
import { native, type NativeMatmul, type NativePacked } from './native';
import { NativeOwner } from './native-owner';
import { checkQTensor } from './qtensor';
import type { QDType, QTensor } from './types';
import { checkOptions, maxAbsOffset, nativeDType } from './validate';

/** 'kn': B is [K, N] (ONNX MatMul B). 'nk': B is [N, K] (TFLite FullyConnected / PyTorch Linear). */
export type WeightsLayout = 'kn' | 'nk';

export interface PackOptions {
  layout?: WeightsLayout;
}

/**
 * Weights ready for matmul. Owns native memory: released when garbage-collected, or at once by
 * dispose(); any use after dispose() throws a TypeError with code ERR_EDGE_INT8_DISPOSED.
 */
export class PackedWeights {
  /** Reduction length. */
  readonly k: number;
  /** Output columns. */
  readonly n: number;
  readonly dtype: QDType;
  /** Layout of the source tensor. */
  readonly layout: WeightsLayout;
  /** 0 unless the weights have one scale per group of `groupSize` along K. */
  readonly groupSize: number;
  /** Scale per column n (or per (group, column), index g * n + column); length 1 if per tensor. */
  readonly scale: Float32Array;
  /** Zero point, indexed like `scale`. */
  readonly zeroPoint: Int32Array;
  /** The largest |B - zb| any weight can have with these zero points (for the K bound). */
  readonly maxAbsB: number;
  readonly #owner: NativeOwner<NativePacked>;

  /** @internal Use packWeights(). */
  constructor(nativePacked: NativePacked, k: number, n: number, dtype: QDType, layout: WeightsLayout, groupSize: number,
    scale: Float32Array, zeroPoint: Int32Array) {
    this.#owner = new NativeOwner(nativePacked, 'PackedWeights');
    this.k = k;
    this.n = n;
    this.dtype = dtype;
    this.layout = layout;
    this.groupSize = groupSize;
    this.scale = scale;
    this.zeroPoint = zeroPoint;
    this.maxAbsB = maxAbsOffset(dtype, zeroPoint);
  }

  /** True after dispose(). */
  get disposed(): boolean {
    return this.#owner.disposed;
  }

  /** Bytes of native memory held (packed weights, column sums, parameters). */
  get bytes(): number {
    return this.#owner.live('bytes').bytes();
  }

  /** The packed layout currently held, e.g. 'n16c4' ('ref' for the reference kernels). */
  get packedLayout(): string {
    return this.#owner.live('packedLayout').layout();
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
    return native;
  }
}

export function checkPacked(fn: string, name: string, b: unknown): PackedWeights {
  if (!(b instanceof PackedWeights)) throw typeError(fn, `${name} must be PackedWeights from packWeights()`);
  b.handle(fn);
  return b;
}

/**
 * Packs quantized weights W (2-D) for matmul. Quantization of W may be per tensor, per output
 * column (axis = the N axis: 1 for 'kn', 0 for 'nk'), or per group along K (axis = the K axis,
 * with groupSize). The data is copied; W may be reused or dropped afterwards.
 */
export function packWeights(w: QTensor, opts?: PackOptions): PackedWeights {
  const fn = 'packWeights';
  const o = checkOptions(fn, opts, ['layout']) as PackOptions;
  const layout = o.layout ?? 'kn';
  if (layout !== 'kn' && layout !== 'nk') {
    throw rangeError(fn, `layout must be 'kn' or 'nk', got ${String(layout)}`, ErrorCodes.OUT_OF_RANGE);
  }
  const t = checkQTensor(fn, 'w', w);
  if (t.shape.length !== 2) throw rangeError(fn, `w.shape must be 2-D, got [${t.shape.join(', ')}]`, ErrorCodes.INVALID_SHAPE);
  const kAxis = layout === 'kn' ? 0 : 1;
  const nAxis = 1 - kAxis;
  const k = t.shape[kAxis];
  const n = t.shape[nAxis];
  const v = t.view;
  let scale = t.scale;
  let zeroPoint = t.zeroPoint;
  let groupSize = 0;
  if (v.granularity === 1 && v.axis !== nAxis) {
    throw rangeError(fn, `per-channel weights must be quantized along the N axis (${nAxis} for '${layout}'), got axis ${v.axis}`,
      ErrorCodes.INVALID_SHAPE);
  }
  if (v.granularity === 2) {
    if (v.axis !== kAxis) {
      throw rangeError(fn, `per-group weights must be grouped along the K axis (${kAxis} for '${layout}'), got axis ${v.axis}`,
        ErrorCodes.INVALID_SHAPE);
    }
    groupSize = v.groupSize;
    if (layout === 'nk') {
      // Parameters arrive as [N, groups]; the core indexes them g * N + n.
      const groups = Math.ceil(k / groupSize);
      scale = new Float32Array(groups * n);
      zeroPoint = new Int32Array(groups * n);
      for (let col = 0; col < n; col++) {
        for (let g = 0; g < groups; g++) {
          scale[g * n + col] = t.scale[col * groups + g];
          zeroPoint[g * n + col] = t.zeroPoint[col * groups + g];
        }
      }
    }
  }
  const handle = native.packWeights(t.data, nativeDType(t.dtype), layout === 'nk', k, n, zeroPoint, scale, groupSize);
  const packed = new PackedWeights(handle, k, n, t.dtype, layout, groupSize, scale.slice(), zeroPoint.slice());
  return packed;
}
