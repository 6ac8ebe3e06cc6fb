/** SmoothQuant: the transform keeps X W, and moves activation outliers into the weights. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, rng } from './helpers';

const M = 32;
const K = 256;
const N = 64;
const OUTLIER_CHANNELS = [3, 77, 140, 201];

function problem(seed: number) {
  const rand = rng(seed);
  // Activations with a few outlier channels (60x), as in LLMs; small weights.
  const x = Float32Array.from({ length: M * K }, (_, i) => (rand() * 2 - 1) * (OUTLIER_CHANNELS.includes(i % K) ? 60 : 1));
  const w = Float32Array.from({ length: K * N }, () => (rand() * 2 - 1) * 0.1);
  return { x, w };
}

function matmulF64(x: Float32Array, w: Float32Array): Float64Array {
  const y = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[i * K + k] * w[k * N + j];
      y[i * N + j] = s;
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

test('s[k] = max|X_k|^alpha / max|W_k|^(1 - alpha); X / s times s W is X W', () => {
  const { x, w } = problem(1);
  const cal = ei8.createCalibrator({ axis: -1 });
  cal.observe(x, [M, K]);
  const absX = cal.absMax() as Float32Array;
  const { weights, scales } = ei8.smooth({ data: w, shape: [K, N] }, absX, 0.5);
  for (const k of [0, 3, 100]) {
    let wMax = 0;
    for (let j = 0; j < N; j++) wMax = Math.max(wMax, Math.abs(w[k * N + j]));
    assert.is(scales[k], Math.fround(Math.sqrt(absX[k]) / Math.sqrt(wMax)), `channel ${k}`);
  }
  const xs = ei8.smoothActivations(x, [M, K], scales);
  assert.ok(relativeError(matmulF64(xs, weights.data), matmulF64(x, w)) < 1e-6);
  // Outlier channels shrink in X and grow in W.
  assert.ok(scales[3] > 5 * scales[4]);
});

test("'nk' weights are smoothed along their K axis", () => {
  const { x, w } = problem(2);
  const nk = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) nk[j * K + k] = w[k * N + j];
  const cal = ei8.createCalibrator({ axis: 1 });
  cal.observe(x, [M, K]);
  const a = ei8.smooth({ data: w, shape: [K, N] }, cal.absMax() as Float32Array, 0.6);
  const b = ei8.smooth({ data: nk, shape: [N, K], layout: 'nk' }, cal.absMax() as Float32Array, 0.6);
  assert.equal(Array.from(b.scales), Array.from(a.scales));
  assert.is(b.weights.layout, 'nk');
  for (let k = 0; k < K; k += 17) for (let j = 0; j < N; j += 5) assert.is(b.weights.data[j * K + k], a.weights.data[k * N + j]);
});

test('smoothing cuts the error of dynamic int8 quantization (per tensor and per token) on outlier channels', () => {
  const { x, w } = problem(7);
  const exact = matmulF64(x, w);
  const cal = ei8.createCalibrator({ axis: -1 });
  cal.observe(x, [M, K]);
  const plain = ei8.packWeights(ei8.quantizeWeights(w, [K, N], 'tflite'));
  const errors: Record<string, number> = {};
  for (const alpha of [0.5, 0.9]) {
    const sm = ei8.smooth({ data: w, shape: [K, N] }, cal.absMax() as Float32Array, alpha);
    const xs = ei8.smoothActivations(x, [M, K], sm.scales);
    const smoothed = ei8.packWeights(ei8.quantizeWeights(sm.weights.data, [K, N], 'tflite'));
    for (const perToken of [false, true]) {
      const before = relativeError(ei8.matmulF32(x, [M, K], plain, { perToken }), exact);
      const after = relativeError(ei8.matmulF32(xs, [M, K], smoothed, { perToken }), exact);
      errors[`${alpha}/${perToken}`] = after;
      if (alpha === 0.5) assert.ok(after < 0.5 * before, `perToken ${perToken}: ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    }
    smoothed.dispose();
  }
  // Migrating nearly everything into the weights (alpha 0.9) moves the problem there instead.
  assert.ok(errors['0.5/false'] < errors['0.9/false'], JSON.stringify(errors));
});

test('channels that are all zero keep s = 1', () => {
  const w = Float32Array.from([1, 2, 0, 0, 3, 4]); // [K=3, N=2], row 1 zero
  const r = ei8.smooth({ data: w, shape: [3, 2] }, Float32Array.from([4, 9, 0]), 0.5);
  assert.equal(Array.from(r.scales), [1, 1, 1].map((_, k) => (k === 0 ? Math.fround(2 / Math.sqrt(2)) : 1)));
});

test.run();
