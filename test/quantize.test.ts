import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8 } from './helpers';

test('rounding ties go to even, zero point is added after rounding', () => {
  const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5]);
  const q = ei8.quantize(x, [7], { scale: 1, zeroPoint: 0 });
  assert.equal(Array.from(q.data), [0, 2, 2, 0, -2, -2, 4]);
  const u = ei8.quantize(x, [7], { dtype: 'uint8', scale: 1, zeroPoint: 10 });
  assert.equal(Array.from(u.data), [10, 12, 12, 10, 8, 8, 14]);
});

test('saturation at both ends, narrow range', () => {
  const x = Float32Array.from([-1e6, 1e6, -128.4, 127.4]);
  assert.equal(Array.from(ei8.quantize(x, [4], { scale: 1, zeroPoint: 0 }).data), [-128, 127, -128, 127]);
  assert.equal(Array.from(ei8.quantize(x, [4], { scale: 1, zeroPoint: 0, narrow: true }).data), [-127, 127, -127, 127]);
  assert.equal(Array.from(ei8.quantize(x, [4], { dtype: 'uint8', scale: 1, zeroPoint: 0 }).data), [0, 255, 0, 127]);
});

test('zero points at the extremes', () => {
  const x = Float32Array.from([0, 1, -1]);
  assert.equal(Array.from(ei8.quantize(x, [3], { scale: 1, zeroPoint: -128 }).data), [-128, -127, -128]);
  assert.equal(Array.from(ei8.quantize(x, [3], { scale: 1, zeroPoint: 127 }).data), [127, 127, 126]);
  assert.equal(Array.from(ei8.quantize(x, [3], { dtype: 'uint8', scale: 1, zeroPoint: 255 }).data), [255, 255, 254]);
});

test('parameters from data: range includes 0, 0.0 exact, scale positive', () => {
  const q = ei8.quantize(Float32Array.from([1, 2, 3, 4]), [4], { dtype: 'uint8' });
  assert.is(q.quant.zeroPoint, 0);
  assert.is(q.quant.scale, Math.fround(4 / 255));
  const n = ei8.quantize(Float32Array.from([-3, -1]), [2], { dtype: 'uint8' });
  assert.is(n.quant.zeroPoint, 255);
  const mixed = ei8.quantize(Float32Array.from([-1, 0, 3]), [3], { dtype: 'uint8' });
  const back = ei8.dequantize(mixed);
  assert.is(back[1], 0, '0.0 is exactly representable');
  const constant = ei8.quantize(new Float32Array(5), [5]);
  assert.ok((constant.quant.scale as number) > 0 && Number.isFinite(constant.quant.scale as number));
});

test('symmetric parameters: int8 absmax/127 with zero point 0, uint8 around 128', () => {
  const q = ei8.quantize(Float32Array.from([-2.54, 1]), [2], { symmetric: true });
  assert.is(q.quant.scale, Math.fround(Math.fround(2.54) / 127));
  assert.is(q.quant.zeroPoint, 0);
  assert.equal(Array.from(q.data), [-127, 50]);
  assert.is(ei8.quantize(Float32Array.from([-1, 1]), [2], { dtype: 'uint8', symmetric: true }).quant.zeroPoint, 128);
});

test('per-channel equals per-tensor when every channel has the same parameters', () => {
  const x = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i) * 3);
  const t = ei8.quantize(x, [3, 4], { scale: 0.05, zeroPoint: 3 });
  const c = ei8.quantize(x, [3, 4], { axis: 1, scale: new Float32Array(4).fill(0.05), zeroPoint: new Int32Array(4).fill(3) });
  assert.equal(Array.from(c.data), Array.from(t.data));
  const neg = ei8.quantize(x, [3, 4], { axis: -1, scale: new Float32Array(4).fill(0.05), zeroPoint: new Int32Array(4).fill(3) });
  assert.equal(Array.from(neg.data), Array.from(t.data));
});

test('per-channel on axis 0 of a 3-D tensor uses each slice\'s own range', () => {
  const x = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
  const q = ei8.quantize(x, [2, 2, 2], { axis: 0, symmetric: true });
  const s = q.quant.scale as Float32Array;
  assert.is(s[0], Math.fround(4 / 127));
  assert.is(s[1], Math.fround(40 / 127));
  assert.equal(Array.from(q.data.subarray(0, 4)), Array.from(q.data.subarray(4)));
});

test('per-group: runs of groupSize along the axis, ONNX blocked layout, last group short', () => {
  const x = Float32Array.from([1, 1, 8, 8, 100, -2, -2, 4, 4, 50]);
  const q = ei8.quantize(x, [2, 5], { axis: 1, groupSize: 2, symmetric: true });
  const s = q.quant.scale as Float32Array;
  assert.is(s.length, 6);
  assert.equal(Array.from(s), [1 / 127, 8 / 127, 100 / 127, 2 / 127, 4 / 127, 50 / 127].map(Math.fround));
  assert.is(q.quant.groupSize, 2);
  assert.equal(Array.from(q.data), [127, 127, 127, 127, 127, -127, -127, 127, 127, 127]);
});

test('dequantize is s * (q - z) for every granularity', () => {
  const q: ei8.QTensor = { data: Int8Array.from([-128, 0, 127, 5]), shape: [2, 2], quant: { dtype: 'int8', scale: Float32Array.from([0.5, 2]), zeroPoint: Int32Array.from([-1, 1]), axis: 1 } };
  assert.equal(Array.from(ei8.dequantize(q)), [-63.5, -2, 64, 8]);
  const out = new Float32Array(4);
  assert.is(ei8.dequantize(q, out), out);
});

test('quantize writes into a caller-provided buffer', () => {
  const out = new Int8Array(3);
  const q = ei8.quantize(Float32Array.from([1, 2, 3]), [3], { scale: 1, zeroPoint: 0, out });
  assert.is(q.data, out);
  assert.equal(Array.from(out), [1, 2, 3]);
});

test('round trip error is at most half a step', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i * 0.37) * 5 - 1);
  const q = ei8.quantize(x, [1000], { dtype: 'uint8' });
  const y = ei8.dequantize(q);
  const half = (q.quant.scale as number) / 2;
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= half * 1.0001, `index ${i}`);
});

test.run();
