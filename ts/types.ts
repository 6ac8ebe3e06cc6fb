/** Storage type of quantized values: int8 [-128, 127] or uint8 [0, 255]. */
export type QDType = 'int8' | 'uint8';

/**
 * How the integers of a QTensor map to real numbers: `x = scale * (q - zeroPoint)`.
 * - per tensor:  `scale` and `zeroPoint` are numbers (`axis` and `groupSize` absent);
 * - per channel: arrays with one entry per index of `axis`;
 * - per group:   runs of `groupSize` consecutive elements along `axis` share a parameter; the
 *                arrays have the tensor's shape with dimension `axis` replaced by
 *                ceil(shape[axis] / groupSize), row-major (ONNX blocked quantization).
 */
export interface QuantParams {
  dtype: QDType;
  scale: number | Float32Array;
  zeroPoint: number | Int32Array;
  axis?: number;
  groupSize?: number;
}

/** A quantized tensor: row-major integers, their shape and their quantization parameters. */
export interface QTensor {
  data: Int8Array | Uint8Array;
  shape: number[];
  quant: QuantParams;
}

/** Integer matmul requantization: 'float' (onnxruntime QLinearMatMul) or 'fixedpoint' (TFLite). */
export type Rounding = 'float' | 'fixedpoint';
