/** One named test per error: the kind (TypeError / RangeError), the stable code, and a message with the numbers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, qtensor, throwsWith } from './helpers';

const { ErrorCodes: C } = ei8;

const W = () => ei8.packWeights({ data: new Int8Array(8 * 4), shape: [8, 4], quant: { dtype: 'int8', scale: 0.1, zeroPoint: 0 } });
const A = (k = 8) => qtensor(new Int8Array(2 * k), [2, k], 0.1, 0);

test('quantize: x of the wrong kind -> TypeError', () => {
  throwsWith(() => ei8.quantize(new Float64Array(3) as unknown as Float32Array, [3]), TypeError, C.INVALID_TYPE, /x must be a Float32Array, got Float64Array/);
});
test('quantize: shape does not match x.length -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(6), [2, 4]), RangeError, C.INVALID_LENGTH, /x.length \(6\) != 8/);
});
test('quantize: zero or negative dimension -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(0), [0]), RangeError, C.INVALID_SHAPE, /shape\[0\] \(0\)/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [-2]), RangeError, C.INVALID_SHAPE, /shape\[0\] \(-2\)/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2.5]), RangeError, C.INVALID_SHAPE);
});
test('quantize: NaN / Infinity in x -> RangeError naming the first index', () => {
  throwsWith(() => ei8.quantize(Float32Array.from([0, 1, NaN, Infinity]), [4]), RangeError, C.NON_FINITE, /x\[2\]/);
  throwsWith(() => ei8.quantize(Float32Array.from([0, -Infinity]), [2], { scale: 1, zeroPoint: 0 }), RangeError, C.NON_FINITE, /x\[1\]/);
});
test('quantize: scale NaN, zero, negative or infinite -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { scale: NaN }), RangeError, C.NON_FINITE, /scale/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { scale: 0 }), RangeError, C.OUT_OF_RANGE, /scale \(0\) must be > 0/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { scale: -1 }), RangeError, C.OUT_OF_RANGE);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { scale: 1e-50 }), RangeError, C.OUT_OF_RANGE, /float32/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { axis: 0, scale: Float32Array.from([1, NaN]), zeroPoint: new Int32Array(2) }), RangeError, C.NON_FINITE, /scale\[1\]/);
});
test('quantize: zero point outside the dtype range -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { scale: 1, zeroPoint: 128 }), RangeError, C.OUT_OF_RANGE, /zeroPoint \(128\)/);
  throwsWith(() => ei8.quantize(new Float32Array(2), [2], { dtype: 'uint8', scale: 1, zeroPoint: -1 }), RangeError, C.OUT_OF_RANGE);
});
test('quantize: axis out of range -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(4), [2, 2], { axis: 2 }), RangeError, C.OUT_OF_RANGE, /axis \(2\)/);
});
test('quantize: groupSize without axis, or not a positive integer -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(4), [4], { groupSize: 2 }), RangeError, C.INVALID_SHAPE);
  throwsWith(() => ei8.quantize(new Float32Array(4), [4], { axis: 0, groupSize: 0 }), RangeError, C.OUT_OF_RANGE);
});
test('quantize: per-channel parameters of the wrong length -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(4), [2, 2], { axis: 1, scale: Float32Array.from([1]), zeroPoint: Int32Array.from([0]) }), RangeError, C.INVALID_LENGTH);
});
test('quantize: unknown dtype -> RangeError; unknown option -> RangeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(1), [1], { dtype: 'int4' as never }), RangeError, C.OUT_OF_RANGE, /int4/);
  throwsWith(() => ei8.quantize(new Float32Array(1), [1], { symetric: true } as never), RangeError, C.OUT_OF_RANGE, /symetric/);
});
test('quantize: out of the wrong kind -> TypeError', () => {
  throwsWith(() => ei8.quantize(new Float32Array(1), [1], { out: new Uint8Array(1) }), TypeError, C.INVALID_TYPE, /out must be an Int8Array/);
});
test('dequantize: data kind does not match dtype -> TypeError', () => {
  throwsWith(() => ei8.dequantize({ data: new Uint8Array(2), shape: [2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }), TypeError, C.INVALID_TYPE);
});
test('packWeights: not 2-D -> RangeError', () => {
  throwsWith(() => ei8.packWeights({ data: new Int8Array(8), shape: [2, 2, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }), RangeError, C.INVALID_SHAPE, /2-D/);
});
test('packWeights: per-channel along K instead of N -> RangeError', () => {
  throwsWith(() => ei8.packWeights({ data: new Int8Array(6), shape: [3, 2], quant: { dtype: 'int8', scale: new Float32Array(3).fill(1), zeroPoint: new Int32Array(3), axis: 0 } }), RangeError, C.INVALID_SHAPE, /N axis/);
});
test('packWeights: unknown layout -> RangeError', () => {
  throwsWith(() => ei8.packWeights({ data: new Int8Array(4), shape: [2, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }, { layout: 'mn' as never }), RangeError, C.OUT_OF_RANGE);
});
test('matmul: a.shape[-1] != b.k -> RangeError with both numbers', () => {
  throwsWith(() => ei8.matmulInt32(A(7), W()), RangeError, C.INVALID_SHAPE, /a.shape\[1\] \(7\) != b.k \(8\)/);
});
test('matmul: b is not PackedWeights -> TypeError', () => {
  throwsWith(() => ei8.matmulInt32(A(), {} as never), TypeError, C.INVALID_TYPE, /PackedWeights/);
});
test('matmul: disposed weights -> TypeError DISPOSED', () => {
  const b = W();
  b.dispose();
  throwsWith(() => ei8.matmulInt32(A(), b), TypeError, C.DISPOSED, /dispose/);
  throwsWith(() => b.bytes, TypeError, C.DISPOSED);
});
test('matmul: K beyond the exact int32 bound -> RangeError naming the bound', () => {
  const k = 33026;
  const b = ei8.packWeights({ data: new Uint8Array(k), shape: [k, 1], quant: { dtype: 'uint8', scale: 1, zeroPoint: 255 } });
  throwsWith(() => ei8.matmulInt32(qtensor(new Uint8Array(k), [1, k], 1, 0), b), RangeError, C.K_TOO_LARGE, /k \(33026\) exceeds 33025/);
  assert.is(ei8.maxExactK('uint8', 0, b), 33025);
});
test('matmul: A quantized per channel -> RangeError', () => {
  const a: ei8.QTensor = { data: new Int8Array(16), shape: [2, 8], quant: { dtype: 'int8', scale: Float32Array.from([1, 1]), zeroPoint: new Int32Array(2), axis: 0 } };
  throwsWith(() => ei8.matmulInt32(a, W()), RangeError, C.INVALID_SHAPE, /per tensor/);
});
test('matmul: missing output, bad output scale or zero point -> errors', () => {
  throwsWith(() => ei8.matmul(A(), W(), undefined as never), TypeError, C.INVALID_TYPE);
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 0, zeroPoint: 0 } }), RangeError, C.OUT_OF_RANGE, /output.scale/);
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 300, dtype: 'uint8' } }), RangeError, C.OUT_OF_RANGE, /output.zeroPoint \(300\)/);
});
test('matmul: clamp outside the output range or empty -> RangeError', () => {
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 0 }, clamp: [-200, 0] }), RangeError, C.OUT_OF_RANGE, /clamp\[0\]/);
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 0 }, clamp: [5, 4] }), RangeError, C.OUT_OF_RANGE, /empty/);
});
test('matmul: unknown rounding -> RangeError', () => {
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 0 }, rounding: 'nearest' as never }), RangeError, C.OUT_OF_RANGE, /rounding/);
});
test('matmul: multiplier overflows float -> RangeError', () => {
  const b = ei8.packWeights({ data: new Int8Array(8), shape: [8, 1], quant: { dtype: 'int8', scale: 3e38, zeroPoint: 0 } });
  throwsWith(() => ei8.matmul(qtensor(new Int8Array(8), [1, 8], 3e38, 0), b, { output: { scale: 1e-30, zeroPoint: 0 } }), RangeError, C.OUT_OF_RANGE, /not finite/);
  // The core keeps the multipliers of the last valid call per weights: a call that changes any one
  // of a.scale, output.scale and rounding after it is checked again.
  const call = (aScale: number, outScale: number, rounding: 'float' | 'fixedpoint') => () =>
    ei8.matmul(qtensor(new Int8Array(8), [1, 8], aScale, 0), b, { output: { scale: outScale, zeroPoint: 0 }, rounding });
  call(1, 1, 'float')();
  throwsWith(call(1, 1e-30, 'float'), RangeError, C.OUT_OF_RANGE, /not finite/);
  call(1, 1, 'float')();
  throwsWith(call(3e38, 1, 'float'), RangeError, C.OUT_OF_RANGE, /not finite/);
  call(2, 4, 'fixedpoint')();  // 2 * 3e38 / 4 is finite in double, and overflows float32 before the division
  throwsWith(call(2, 4, 'float'), RangeError, C.OUT_OF_RANGE, /not finite/);
});
test('matmul: a multiplier that is not finite names its column, for sparse weights and async calls too', async () => {
  const data = new Int8Array(8 * 3);
  data[0] = 1;
  const q = { data, shape: [8, 3], quant: { dtype: 'int8' as const, scale: Float32Array.of(1, 3e38, 1), zeroPoint: new Int32Array(3), axis: 1 } };
  const a = qtensor(new Int8Array(8), [1, 8], 3e38, 0);
  const opts = { output: { scale: 1, zeroPoint: 0 } };
  for (const b of [ei8.packWeights(q), ei8.packSparse(q)]) {
    throwsWith(() => ei8.matmul(a, b, opts), RangeError, C.OUT_OF_RANGE, /b\.scale\[1\].*not finite/);
    let caught: (Error & { code?: string }) | undefined;
    await ei8.matmulAsync(a, b, opts).catch((e) => { caught = e; });
    assert.instance(caught, RangeError);
    assert.is(caught?.code, C.OUT_OF_RANGE);
    assert.match(caught!.message, /^matmulAsync: a\.scale \* b\.scale\[1\]/);
  }
});
test('matmul: bias of the wrong kind or length -> TypeError / RangeError', () => {
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 0 }, bias: new Float32Array(4) as never }), TypeError, C.INVALID_TYPE);
  throwsWith(() => ei8.matmul(A(), W(), { output: { scale: 1, zeroPoint: 0 }, bias: new Int32Array(3) }), RangeError, C.INVALID_LENGTH, /bias.length \(3\) != 4/);
});
test('matmul: grouped weights with requantized output -> RangeError', () => {
  const b = ei8.packWeights({ data: new Int8Array(8), shape: [4, 2], quant: { dtype: 'int8', scale: new Float32Array(4).fill(1), zeroPoint: new Int32Array(4), axis: 0, groupSize: 2 } });
  throwsWith(() => ei8.matmul(A(4), b, { output: { scale: 1, zeroPoint: 0 } }), RangeError, C.INVALID_SHAPE, /per-group/);
});
test('matmul: out of the wrong length -> RangeError', () => {
  throwsWith(() => ei8.matmulInt32(A(), W(), new Int32Array(7)), RangeError, C.INVALID_LENGTH, /out.length \(7\) != 8/);
});
test('matmul: out overlapping an input -> RangeError ALIASED', () => {
  const buf = new ArrayBuffer(64);
  const a = qtensor(new Int8Array(buf, 0, 16), [2, 8], 1, 0);
  throwsWith(() => ei8.matmulInt32(a, W(), new Int32Array(buf, 0, 8)), RangeError, C.ALIASED);
});
test('matmul: detached input -> TypeError DETACHED', () => {
  const data = new Int8Array(16);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  throwsWith(() => ei8.matmulInt32(qtensor(data, [2, 8], 1, 0), W()), TypeError, C.DETACHED);
});
test('matmulF32: NaN in A -> RangeError naming the index', () => {
  const b = W();
  const x = new Float32Array(16);
  x[11] = NaN;
  throwsWith(() => ei8.matmulF32(x, [2, 8], b), RangeError, C.NON_FINITE, /a\[11\]/);
});
test('async variants reject (not throw) on bad input', async () => {
  let caught: (Error & { code?: string }) | undefined;
  await ei8.matmulInt32Async(A(7), W()).catch((e) => { caught = e; });
  assert.instance(caught, RangeError);
  assert.is(caught?.code, C.INVALID_SHAPE);
});
test('async: an error found by the native call rejects, for calls run inline and on a worker', async () => {
  for (const [m, k, n] of [[2, 8, 4], [64, 512, 64]]) {  // 64 and 2 M multiply-adds: inline, worker
    const b = ei8.packWeights({ data: new Int8Array(k * n), shape: [k, n], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
    const x = new Float32Array(m * k);
    x[m * k - 5] = Infinity;
    const p = ei8.matmulF32Async(x, [m, k], b);
    assert.instance(p, Promise);
    let caught: (Error & { code?: string }) | undefined;
    await p.catch((e) => { caught = e; });
    assert.instance(caught, RangeError);
    assert.is(caught?.code, C.NON_FINITE);
    assert.match(caught!.message, `a[${m * k - 5}]`);
  }
});
test('async: out detached while the work runs -> rejects DETACHED', async () => {
  const k = 2048, n = 512;
  const b = ei8.packWeights({ data: new Int8Array(k * n), shape: [k, n], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  const out = new Int32Array(64 * n);
  const p = ei8.matmulInt32Async(qtensor(new Int8Array(64 * k), [64, k], 1, 0), b, out);
  structuredClone(out.buffer, { transfer: [out.buffer] });
  let caught: (Error & { code?: string }) | undefined;
  await p.catch((e) => { caught = e; });
  assert.is(caught?.code, C.DETACHED);
});
test('async: weights disposed while the work runs -> still completes correctly', async () => {
  // 4 x 2048 x 256: above the size that unmeasured async calls run inline, so a worker holds the weights.
  const b = ei8.packWeights({ data: new Int8Array(2048 * 256).fill(1), shape: [2048, 256], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  const p = ei8.matmulInt32Async(qtensor(new Int8Array(4 * 2048).fill(2), [4, 2048], 1, 0), b);
  b.dispose();
  const r = await p;
  assert.ok(r.every((v) => v === 4096));
});
test('setIsa: unknown or unavailable ISA -> RangeError', () => {
  throwsWith(() => ei8.setIsa('avx1024'), RangeError, C.UNKNOWN_ISA, /avx1024/);
});
test('setThreads: not a positive integer -> RangeError / TypeError', () => {
  throwsWith(() => ei8.setThreads(0), RangeError, C.OUT_OF_RANGE);
  throwsWith(() => ei8.setThreads('2' as never), TypeError, C.INVALID_TYPE);
});

test.run();
