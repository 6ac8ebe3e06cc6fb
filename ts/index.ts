/**
 * edge-int8: int8 kernels for compressed models at the edge.
 * Semantics: DESIGN.md section 2 (summarised in the README); every SIMD path returns exactly the
 * integers of the scalar reference kernels.
 */
export { ErrorCodes, type EdgeInt8Error, type ErrorCode } from './errors';
export type { QDType, QTensor, QuantParams, Rounding } from './types';
export { quantize, dequantize, type QuantizeOptions } from './quantize';
export { packWeights, PackedWeights, type PackOptions, type WeightsLayout } from './weights';
export {
  matmulInt32, matmulInt32Async, matmul, matmulAsync, matmulDequantize, matmulDequantizeAsync, matmulF32, matmulF32Async,
  maxExactK, type MatmulOptions, type OutputQuant, type DequantizeOptions, type MatmulF32Options,
} from './matmul';
export { cpuInfo, setIsa, setThreads, getThreads, isaCalls, type CpuInfo } from './runtime';
export {
  packSparse, SparseWeights, sparseIsa, sparseIsaCalls, type PackSparseOptions, type SparseFormat, type Weights,
} from './sparse';
export { prune, pruneGlobal, type PruneMethod, type PruneOptions, type PrunePattern, type PruneResult, type PruneTensor } from './prune';
