/** Weight presets (TFLite, ONNX, LLM groups), TFLite bias, and the error metrics. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, rng } from './helpers';

const f32 = Math.fround;

function randomMatrix(rand: () => number, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

function matmulF64(x: Float32Array, m: number, k: number, w: Float32Array, n: number, nk = false): Float64Array {
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let kk = 0; kk < k; kk++) s += x[i * k + kk] * (nk ? w[j * k + kk] : w[kk * n + j]);
      y[i * n + j] = s;
    }
  }
  return y;
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    e += (got[i] - want[i]) ** 2;
    s += want[i] ** 2;
  }
  return Math.sqrt(e / s);
}

test("'tflite': int8, symmetric per output channel, narrow range, zero point 0, scale max|w| / 127", () => {
  const rand = rng(1);
  const k = 40;
  const n = 12;
  const w = randomMatrix(rand, k * n);
  w[5] = -3; // column 5's minimum, exercising the narrow range
  for (const layout of ['kn', 'nk'] as const) {
    const q = ei8.quantizeWeights(w, layout === 'kn' ? [k, n] : [n, k], 'tflite', { layout });
    assert.is(q.quant.dtype, 'int8');
    assert.is(q.quant.axis, layout === 'kn' ? 1 : 0);
    assert.equal(Array.from(q.quant.zeroPoint as Int32Array), new Array(n).fill(0));
    assert.ok((q.data as Int8Array).every((v) => v >= -127 && v <= 127));
    const scale = q.quant.scale as Float32Array;
    for (let j = 0; j < n; j++) {
      let absMax = 0;
      for (let kk = 0; kk < k; kk++) absMax = Math.max(absMax, Math.abs(layout === 'kn' ? w[kk * n + j] : w[j * k + kk]));
      assert.is(scale[j], f32(f32(absMax) / 127), `column ${j}`);
    }
    assert.ok(Array.from(q.data).includes(-127));
    ei8.packWeights(q, { layout }).dispose();
  }
});

test('tfliteBias: int32 with scale sa * sw, zero point 0, ties to even, saturated symmetrically', () => {
  // TFLite's own unit-test numbers: input scale 0.5, weight scales [0.5, 1], bias [4, 1] -> [16, 2].
  assert.equal(Array.from(ei8.tfliteBias(Float32Array.from([4, 1]), 0.5, Float32Array.from([0.5, 1]))), [16, 2]);
  assert.equal(Array.from(ei8.tfliteBias(Float32Array.from([0.125, 0.375, -0.625, 1e12, -1e12]), 0.5, 0.5)), [0, 2, -2, 2147483647, -2147483647]);
});

test("'tflite' weights with tfliteBias and 'fixedpoint' rounding approximate the float layer", () => {
  const rand = rng(2);
  const m = 8;
  const k = 64;
  const n = 16;
  const w = randomMatrix(rand, k * n);
  const bias = randomMatrix(rand, n);
  const x = randomMatrix(rand, m * k, 2);
  const q = ei8.quantizeWeights(w, [k, n], 'tflite');
  const b = ei8.packWeights(q);
  const a = ei8.quantize(x, [m, k], { dtype: 'int8' });
  const yf = matmulF64(x, m, k, w, n);
  for (let i = 0; i < yf.length; i++) yf[i] += bias[i % n];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of yf) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const outQ = ei8.quantize(Float32Array.from([lo, hi]), [2]).quant;
  const y = ei8.matmul(a, b, {
    output: { scale: outQ.scale as number, zeroPoint: outQ.zeroPoint as number },
    bias: ei8.tfliteBias(bias, a.quant.scale as number, q.quant.scale as Float32Array),
    rounding: 'fixedpoint',
  });
  assert.ok(relativeError(ei8.dequantize(y), yf) < 0.03, `relative error ${relativeError(ei8.dequantize(y), yf)}`);
});

test("'onnx': uint8 affine per tensor by default; int8, per channel and symmetric on request", () => {
  const rand = rng(3);
  const w = randomMatrix(rand, 30 * 7);
  const d = ei8.quantizeWeights(w, [30, 7], 'onnx');
  assert.equal(d.quant, ei8.quantize(w, [30, 7], { dtype: 'uint8' }).quant);
  const c = ei8.quantizeWeights(w, [7, 30], 'onnx', { layout: 'nk', dtype: 'int8', perChannel: true });
  assert.is(c.quant.axis, 0);
  assert.is(c.quant.dtype, 'int8');
  const s = ei8.quantizeWeights(w, [30, 7], 'onnx', { dtype: 'int8', symmetric: true, perChannel: true });
  assert.equal(Array.from(s.quant.zeroPoint as Int32Array), new Array(7).fill(0));
});

test("'llm': groups along K (32, 64, 128) that matmulF32 runs; affine uint8 on request", () => {
  const rand = rng(4);
  const m = 3;
  const k = 256;
  const n = 20;
  const w = randomMatrix(rand, k * n);
  const x = randomMatrix(rand, m * k);
  const yf = matmulF64(x, m, k, w, n);
  for (const groupSize of [32, 64, 128]) {
    for (const symmetric of [true, false]) {
      const q = ei8.quantizeWeights(w, [k, n], 'llm', { groupSize, symmetric });
      assert.equal([q.quant.axis, q.quant.groupSize, q.quant.dtype], [0, groupSize, symmetric ? 'int8' : 'uint8']);
      assert.is((q.quant.scale as Float32Array).length, (k / groupSize) * n);
      const b = ei8.packWeights(q);
      assert.is(b.groupSize, groupSize);
      const err = relativeError(ei8.matmulF32(x, [m, k], b), yf);
      assert.ok(err < 0.02, `groupSize ${groupSize} symmetric ${symmetric}: relative error ${err}`);
      b.dispose();
    }
  }
  // Default group size 128; 'nk' groups along axis 1.
  const nk = ei8.quantizeWeights(w, [n, k], 'llm', { layout: 'nk' });
  assert.equal([nk.quant.axis, nk.quant.groupSize], [1, 128]);
});

test('smaller groups quantize more accurately (the reason for per-group weights)', () => {
  const rand = rng(5);
  const k = 512;
  const n = 16;
  const w = Float32Array.from({ length: k * n }, (_, i) => (rand() * 2 - 1) * (Math.floor(i / n) % 97 === 0 ? 20 : 1));
  const sqnr = [32, 128].map((groupSize) => ei8.quantizationError(w, ei8.quantizeWeights(w, [k, n], 'llm', { groupSize })).sqnr);
  const perChannel = ei8.quantizationError(w, ei8.quantizeWeights(w, [k, n], 'tflite')).sqnr;
  assert.ok(sqnr[0] > sqnr[1] && sqnr[1] > perChannel, `group 32 ${sqnr[0]} dB, group 128 ${sqnr[1]} dB, per channel ${perChannel} dB`);
});

// ------------------------------------------------------------------------------ metrics ----

test('quantizationError by hand: SQNR, max abs error, cosine, MSE', () => {
  const x = Float32Array.from([1, 2, 3, 4]);
  const r = ei8.quantizationError(x, Float32Array.from([1, 2, 3, 5]));
  assert.is(r.sqnr, 10 * Math.log10(30));
  assert.is(r.maxAbsError, 1);
  assert.is(r.cosine, 34 / Math.sqrt(30 * 39));
  assert.is(r.mse, 0.25);
  assert.is(r.perChannel, undefined);
  const exact = ei8.quantizationError(x, x);
  assert.equal([exact.sqnr, exact.cosine, exact.maxAbsError], [Infinity, 1, 0]);
  const zero = ei8.quantizationError(new Float32Array(3), Float32Array.from([0, 1, 0]));
  assert.equal([zero.sqnr, zero.cosine], [-Infinity, 0]);
  assert.is(ei8.quantizationError(new Float32Array(2), new Float32Array(2)).cosine, 1);
});

test('quantizationError per channel: the tensor’s own axis, or the one given', () => {
  const x = Float32Array.from([1, 10, 2, 20, 3, 30]); // [3, 2]
  const q = ei8.quantize(x, [3, 2], { axis: 1, symmetric: true });
  const r = ei8.quantizationError(x, q);
  assert.is(r.perChannel!.axis, 1);
  assert.is(r.perChannel!.sqnr.length, 2);
  const byRow = ei8.quantizationError(x, Float32Array.from([1, 10, 2, 20, 3, 31]), { shape: [3, 2], axis: 0 });
  assert.equal(Array.from(byRow.perChannel!.maxAbsError), [0, 0, 1]);
  assert.equal(Array.from(byRow.perChannel!.sqnr).slice(0, 2), [Infinity, Infinity]);
  // Codebook and log2 tensors are accepted too.
  const cb = ei8.quantizeCodebook(Float32Array.from({ length: 32 }, (_, i) => i), [32]);
  assert.ok(ei8.quantizationError(Float32Array.from({ length: 32 }, (_, i) => i), cb).sqnr > 20);
  const l2 = ei8.quantizeLog2(Float32Array.from([1, 2, 4, -8]), [4]);
  assert.is(ei8.quantizationError(Float32Array.from([1, 2, 4, -8]), l2).sqnr, Infinity);
});

test.run();
