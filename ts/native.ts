/**
 * The native addon, loaded once through node-gyp-build (prebuilds/<platform>-<arch>/ first, then
 * build/Release). The functions below are internal: the public API in the other modules validates
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

export interface NativePacked {
  dispose(): void;
  bytes(): number;
  layout(): string;
}

export interface NativeCpuInfo {
  arch: string;
  features: string;
  isa: string;
  available: string[];
  built: string[];
}

export interface NativeAddon {
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
  matmulInt32(a: Bytes, aDtype: NativeDType, aZp: number, m: number, k: number, b: NativePacked, out: Int32Array,
    async: boolean): Int32Array | Promise<Int32Array>;
  matmulRequant(a: Bytes, aDtype: NativeDType, aZp: number, m: number, k: number, aScale: number, b: NativePacked,
    outScale: number, outZp: number, outDtype: NativeDType, rounding: 0 | 1, bias: Int32Array | null,
    clampMin: number, clampMax: number, out: Bytes, async: boolean): Bytes | Promise<Bytes>;
  matmulDequant(a: Bytes, aDtype: NativeDType, aZp: number, m: number, k: number, aScale: number, b: NativePacked,
    bias: Float32Array | null, out: Float32Array, async: boolean): Float32Array | Promise<Float32Array>;
  matmulF32(a: Float32Array, m: number, k: number, perToken: boolean, b: NativePacked, bias: Float32Array | null,
    out: Float32Array, async: boolean): Float32Array | Promise<Float32Array>;
}

/** The package root: this file lives in ts/ (sources) or dist/ (built). */
const packageRoot = path.join(__dirname, '..');

export const native: NativeAddon = nodeGypBuild(packageRoot) as NativeAddon;
