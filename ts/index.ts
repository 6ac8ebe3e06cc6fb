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
  packSparse, SparseWeights, sparseIsa, sparseIsaCalls, sparseSellKernel, type SellKernel, type PackSparseOptions, type SparseFormat, type Weights,
} from './sparse';
export { prune, pruneGlobal, type PruneMethod, type PruneOptions, type PrunePattern, type PruneResult, type PruneTensor } from './prune';
export {
  quantizeCodebook, dequantizeCodebook, codebookToQTensor, quantizeLog2, dequantizeLog2, log2ToCodebook,
  type Codebook, type CodebookTensor, type Log2Tensor, type CodebookOptions, type Log2Options,
} from './nonlinear';
export {
  packCodebook, CodebookWeights, codebookMatmulInt32, codebookMatmulInt32Async, codebookMatmul, codebookMatmulAsync,
  codebookMatmulDequantize, codebookMatmulDequantizeAsync, codebookMatmulF32, codebookMatmulF32Async, codebookKernels,
  setCodebookKernel, codebookKernelCalls, type PackCodebookOptions, type CodebookKernelInfo,
} from './codebook-weights';
export {
  createCalibrator, type Calibrator, type CalibratorOptions, type CalibrationMethod, type RangeOptions, type CalibratedRange,
} from './calibrate';
export { quantizeWeights, tfliteBias, type WeightPreset, type WeightPresetOptions } from './presets';
export {
  quantizationError, type ErrorStats, type PerChannelErrorStats, type QuantizationErrorResult, type QuantizationErrorOptions,
} from './metrics';
export { smooth, smoothActivations, type FloatWeights, type SmoothResult } from './smooth';
