// Type-checked by scripts/test-package.mjs against the installed package (module nodenext, ESM):
// the named exports, the default export and the public types resolve through "exports".
import ei8, {
  ErrorCodes, matmulInt32, packSparse, packWeights, type CpuInfo, type EdgeInt8Error, type QTensor,
} from 'edge-int8';

const w: QTensor = { data: new Int8Array(4), shape: [2, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } };
const a: QTensor = { data: new Uint8Array(2), shape: [1, 2], quant: { dtype: 'uint8', scale: 1, zeroPoint: 0 } };
const dense = packWeights(w);
const sparse = packSparse(w);
const y: Int32Array = matmulInt32(a, dense);
const z: Promise<Int32Array> = ei8.matmulInt32Async(a, sparse);
const info: CpuInfo = ei8.cpuInfo();
const isError = (e: unknown): e is EdgeInt8Error => e instanceof Error && 'code' in e && e.code === ErrorCodes.DISPOSED;
export { y, z, info, isError };
