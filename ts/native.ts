/**
 * The native addon, loaded once through node-gyp-build (build/Release when a local build exists, else
 * prebuilds/<platform>-<arch>/; $EDGE_INT8_PREBUILD names another folder to look in, as the cmake-js
 * suite does, and PREBUILDS_ONLY=1 skips local builds). The functions below are internal: the public API in the other modules validates
 * every argument before calling them, and the native layer checks again.
 */
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import nodeGypBuild = require('node-gyp-build');

export type Bytes = Int8Array | Uint8Array;

/** 0 = int8, 1 = uint8 (the core's ei8_dtype). */
export type NativeDType = 0 | 1;
/** 0 = per tensor, 1 = per channel, 2 = per group (the core's ei8_granularity). */
export type NativeGranularity = 0 | 1 | 2;

/** What every native weights object offers. */
export interface NativeHandle {
  /** The number the matmul functions take for these weights (csrc/napi/weights_table.h). */
  id(): number;
  dispose(): void;
  bytes(): number;
}

export interface NativePacked extends NativeHandle {
  layout(): string;
}

export interface NativeCpuInfo {
  arch: string;
  features: string;
  isa: string;
  available: string[];
  built: string[];
}

/**
 * The four native matmul entry points. The dense addon functions, the sparse ones and the 4-bit
 * codebook ones share these signatures; each takes the id of its own kind of weights.
 */
export interface NativeMatmul {
  matmulInt32(a: Bytes, b: number, out: Int32Array, params: Float64Array): Int32Array | Promise<Int32Array>;
  matmulRequant(a: Bytes, b: number, out: Bytes, bias: Int32Array | null, params: Float64Array): Bytes | Promise<Bytes>;
  matmulDequant(a: Bytes, b: number, out: Float32Array, bias: Float32Array | null, params: Float64Array):
    Float32Array | Promise<Float32Array>;
  matmulF32(a: Float32Array, b: number, out: Float32Array, bias: Float32Array | null, params: Float64Array):
    Float32Array | Promise<Float32Array>;
}

export interface NativeAddon extends NativeMatmul {
  cpuInfo(): NativeCpuInfo;
  setIsa(isa: string): void;
  setThreads(n: number): void;
  getThreads(): number;
  isaCalls(isa: string): number;
  probeDotPeak(isa: string, threads: number): number;
  probeReadBandwidth(bytes: number, threads: number): number;
  chooseQParams(x: Float32Array, outer: number, axisLen: number, inner: number, granularity: NativeGranularity,
    groupSize: number, dtype: NativeDType, symmetric: boolean, narrow: boolean, scale: Float32Array, zeroPoint: Int32Array): void;
  quantize(x: Float32Array, outer: number, axisLen: number, inner: number, granularity: NativeGranularity,
    groupSize: number, scale: Float32Array, zeroPoint: Int32Array, dtype: NativeDType, qmin: number, qmax: number, out: Bytes): Bytes;
  dequantize(q: Bytes, dtype: NativeDType, outer: number, axisLen: number, inner: number, granularity: NativeGranularity,
    groupSize: number, scale: Float32Array, zeroPoint: Int32Array, out: Float32Array): Float32Array;
  packWeights(data: Bytes, dtype: NativeDType, layoutNk: boolean, k: number, n: number, zeroPoint: Int32Array,
    scale: Float32Array | null, groupSize: number): NativePacked;
}

/**
 * The numbers of one native matmul call, packed in one Float64Array: fewer Node-API calls and no
 * argument array on the native side. Reused: the native side reads it before returning.
 */
const params = new Float64Array(12);

/** [aDtype, aZp, m, k, async] */
export function int32Params(aDtype: NativeDType, aZp: number, m: number, k: number, async: boolean): Float64Array {
  params[0] = aDtype; params[1] = aZp; params[2] = m; params[3] = k; params[4] = async ? 1 : 0;
  return params;
}

/** [aDtype, aZp, m, k, aScale, outScale, outZp, outDtype, rounding, clampMin, clampMax, async] */
export function requantParams(aDtype: NativeDType, aZp: number, m: number, k: number, aScale: number, outScale: number,
  outZp: number, outDtype: NativeDType, rounding: 0 | 1, clampMin: number, clampMax: number, async: boolean): Float64Array {
  params[0] = aDtype; params[1] = aZp; params[2] = m; params[3] = k; params[4] = aScale; params[5] = outScale;
  params[6] = outZp; params[7] = outDtype; params[8] = rounding; params[9] = clampMin; params[10] = clampMax;
  params[11] = async ? 1 : 0;
  return params;
}

/** [aDtype, aZp, m, k, aScale, async] */
export function dequantParams(aDtype: NativeDType, aZp: number, m: number, k: number, aScale: number, async: boolean): Float64Array {
  params[0] = aDtype; params[1] = aZp; params[2] = m; params[3] = k; params[4] = aScale; params[5] = async ? 1 : 0;
  return params;
}

/** [m, k, perToken, async] */
export function f32Params(m: number, k: number, perToken: boolean, async: boolean): Float64Array {
  params[0] = m; params[1] = k; params[2] = perToken ? 1 : 0; params[3] = async ? 1 : 0;
  return params;
}

/** The package root: this file lives in ts/ (sources) or dist/ (built). */
const packageRoot = path.join(__dirname, '..');

export const native: NativeAddon = nodeGypBuild(packageRoot) as NativeAddon;
