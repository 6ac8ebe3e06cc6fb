/**
 * Tiny ONNX models built in JS (onnx-proto), for onnxruntime-node as a peer and as an oracle.
 * Weights are initializers, so that onnxruntime prepacks them as it does for real models.
 */
import { onnx } from 'onnx-proto';

export type OnnxIntType = 'int8' | 'uint8';
const elemType = { int8: onnx.TensorProto.DataType.INT8, uint8: onnx.TensorProto.DataType.UINT8 } as const;

export interface Initializer {
  name: string;
  dims: number[];
  type: 'int8' | 'uint8' | 'int32' | 'float32';
  data: Int8Array | Uint8Array | Int32Array | Float32Array;
}

function tensor(t: Initializer): onnx.ITensorProto {
  const dataType = {
    int8: onnx.TensorProto.DataType.INT8, uint8: onnx.TensorProto.DataType.UINT8,
    int32: onnx.TensorProto.DataType.INT32, float32: onnx.TensorProto.DataType.FLOAT,
  }[t.type];
  return { name: t.name, dims: t.dims, dataType, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
}

function valueInfo(name: string, type: number, dims: number[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

export interface ModelSpec {
  op: string;
  domain?: string;
  inputs: { name: string; type: number; dims: number[] }[];
  initializers: Initializer[];
  /** Node input names in order ('' for an omitted optional input). */
  nodeInputs: string[];
  output: { name: string; type: number; dims: number[] };
  attributes?: onnx.IAttributeProto[];
}

/** Serialises a one-node model. */
export function buildModel(spec: ModelSpec): Uint8Array {
  const opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: '', version: 21 }];
  if (spec.domain) opsetImport.push({ domain: spec.domain, version: 1 });
  const model = onnx.ModelProto.create({
    irVersion: 10,
    producerName: 'edge-int8',
    opsetImport,
    graph: {
      name: spec.op,
      node: [{ opType: spec.op, domain: spec.domain ?? '', input: spec.nodeInputs, output: [spec.output.name], attribute: spec.attributes ?? [] }],
      initializer: spec.initializers.map(tensor),
      input: spec.inputs.map((i) => valueInfo(i.name, i.type, i.dims)),
      output: [valueInfo(spec.output.name, spec.output.type, spec.output.dims)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** MatMulInteger: Y[int32] = (A - a_zp)(B - b_zp); B and both zero points are initializers. */
export function matMulIntegerModel(m: number, k: number, n: number, aType: OnnxIntType, aZeroPoint: number,
  b: Int8Array | Uint8Array, bType: OnnxIntType, bZeroPoint: Int8Array | Uint8Array): Uint8Array {
  const zpA = aType === 'int8' ? Int8Array.of(aZeroPoint) : Uint8Array.of(aZeroPoint);
  return buildModel({
    op: 'MatMulInteger',
    inputs: [{ name: 'A', type: elemType[aType], dims: [m, k] }],
    initializers: [
      { name: 'B', dims: [k, n], type: bType, data: b },
      { name: 'a_zero_point', dims: [], type: aType, data: zpA },
      { name: 'b_zero_point', dims: bZeroPoint.length === 1 ? [] : [n], type: bType, data: bZeroPoint },
    ],
    nodeInputs: ['A', 'B', 'a_zero_point', 'b_zero_point'],
    output: { name: 'Y', type: onnx.TensorProto.DataType.INT32, dims: [m, n] },
  });
}

/**
 * QLinearMatMul: Y[uint8] = requantize((A - 128)(B - 0) * sa * sb[n] / sy) + zy, with per-column
 * b_scale (the per-channel case) and every parameter an initializer.
 */
export function qLinearMatMulModel(m: number, k: number, n: number, b: Int8Array, aScale: number,
  bScale: Float32Array, yScale: number, yZeroPoint: number): Uint8Array {
  return buildModel({
    op: 'QLinearMatMul',
    inputs: [{ name: 'A', type: elemType.uint8, dims: [m, k] }],
    initializers: [
      { name: 'a_scale', dims: [], type: 'float32', data: Float32Array.of(aScale) },
      { name: 'a_zero_point', dims: [], type: 'uint8', data: Uint8Array.of(128) },
      { name: 'B', dims: [k, n], type: 'int8', data: b },
      { name: 'b_scale', dims: [n], type: 'float32', data: bScale },
      { name: 'b_zero_point', dims: [n], type: 'int8', data: new Int8Array(n) },
      { name: 'y_scale', dims: [], type: 'float32', data: Float32Array.of(yScale) },
      { name: 'y_zero_point', dims: [], type: 'uint8', data: Uint8Array.of(yZeroPoint) },
    ],
    nodeInputs: ['A', 'a_scale', 'a_zero_point', 'B', 'b_scale', 'b_zero_point', 'y_scale', 'y_zero_point'],
    output: { name: 'Y', type: elemType.uint8, dims: [m, n] },
  });
}

/**
 * DynamicQuantizeMatMul (com.microsoft): A (f32) quantized to uint8 per tensor in the call, times B
 * (int8, per-column b_scale, zero point 0), to f32.
 */
export function dynamicQuantizeMatMulModel(m: number, k: number, n: number, b: Int8Array, bScale: Float32Array): Uint8Array {
  return buildModel({
    op: 'DynamicQuantizeMatMul',
    domain: 'com.microsoft',
    inputs: [{ name: 'A', type: onnx.TensorProto.DataType.FLOAT, dims: [m, k] }],
    initializers: [
      { name: 'B', dims: [k, n], type: 'int8', data: b },
      { name: 'b_scale', dims: [n], type: 'float32', data: bScale },
      { name: 'b_zero_point', dims: [n], type: 'int8', data: new Int8Array(n) },
    ],
    nodeInputs: ['A', 'B', 'b_scale', 'b_zero_point'],
    output: { name: 'Y', type: onnx.TensorProto.DataType.FLOAT, dims: [m, n] },
  });
}
