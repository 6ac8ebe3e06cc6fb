/** Activation calibration: every method, per tensor and per channel, symmetric or affine, int8 or uint8. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, rng } from './helpers';

const f32 = Math.fround;

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Mean squared quantize-dequantize error of x with the given parameters. */
function qdqMse(x: Float32Array, p: ei8.QuantParams, shape = [x.length]): number {
  const d = ei8.dequantize(ei8.quantize(x, shape, { ...p }));
  let e = 0;
  for (let i = 0; i < x.length; i++) e += (x[i] - d[i]) ** 2;
  return e / x.length;
}

test("minmax over batches gives quantize()'s own parameters for the concatenated data", () => {
  const rand = rng(1);
  const batches = Array.from({ length: 5 }, (_, b) => Float32Array.from({ length: 200 }, () => (rand() - 0.3) * (b + 1)));
  const all = new Float32Array(1000);
  batches.forEach((b, i) => all.set(b, i * 200));
  const c = ei8.createCalibrator();
  for (const b of batches) c.observe(b);
  assert.is(c.batches, 5);
  for (const opts of [{}, { dtype: 'uint8' as const }, { symmetric: true }, { dtype: 'uint8' as const, symmetric: true }, { narrow: true }]) {
    const want = ei8.quantize(all, [1000], opts).quant;
    const got = c.params(opts);
    assert.equal({ scale: got.scale, zeroPoint: got.zeroPoint, dtype: got.dtype }, { scale: want.scale, zeroPoint: want.zeroPoint, dtype: want.dtype },
      JSON.stringify(opts));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(c.range(), { min: lo, max: hi });
});

test('minmax per channel equals quantize() per channel, for any axis', () => {
  const rand = rng(2);
  const x = Float32Array.from({ length: 4 * 6 * 5 }, () => rand() * 4 - 1);
  for (const axis of [0, 1, 2, -1]) {
    const shape = [4, 6, 5];
    const c = ei8.createCalibrator({ axis });
    c.observe(x, shape);
    const want = ei8.quantize(x, shape, { axis, dtype: 'uint8' }).quant;
    const got = c.params({ dtype: 'uint8' });
    assert.equal(Array.from(got.scale as Float32Array), Array.from(want.scale as Float32Array), `axis ${axis}`);
    assert.equal(Array.from(got.zeroPoint as Int32Array), Array.from(want.zeroPoint as Int32Array), `axis ${axis}`);
    assert.is(got.axis, axis);
    // Usable by quantize() as they are.
    assert.equal(Array.from(ei8.quantize(x, shape, { ...got }).data), Array.from(ei8.quantize(x, shape, { axis, dtype: 'uint8' }).data));
  }
});

test('moving average: the first batch sets the range, then r += c * (batch - r)', () => {
  const c = ei8.createCalibrator({ method: 'moving-average', averagingConstant: 0.25 });
  c.observe(Float32Array.from([-1, 2]));
  c.observe(Float32Array.from([-5, 10]));
  c.observe(Float32Array.from([0, 1]));
  let lo = -1;
  let hi = 2;
  for (const [bl, bh] of [[-5, 10], [0, 1]]) {
    lo += 0.25 * (bl - lo);
    hi += 0.25 * (bh - hi);
  }
  assert.equal(c.range(), { min: f32(lo), max: f32(hi) });
  // Default constant 0.01 (onnxruntime, PyTorch).
  const d = ei8.createCalibrator({ method: 'moving-average' });
  d.observe(Float32Array.from([0, 1]));
  d.observe(Float32Array.from([0, 101]));
  assert.is(d.range().max, 2);
});

test('percentile ignores rare outliers: symmetric on |x|, affine on each tail', () => {
  const rand = rng(3);
  // 16384 bins over [-5000, 5000]: the percentile is exact to one bin (0.3).
  const c = ei8.createCalibrator({ method: 'percentile', percentile: 99.9, bins: 16384 });
  const x = Float32Array.from({ length: 100000 }, (_, i) => (i % 2 ? 1 : -1) * (i % 1000) / 100);
  x[17] = 5000; // rare outliers
  x[33] = -3000;
  for (let b = 0; b < 4; b++) c.observe(x.subarray(b * 25000, (b + 1) * 25000));
  void rand;
  const sym = c.range({ symmetric: true });
  assert.ok((sym.max as number) > 9.9 && (sym.max as number) < 10.4, `symmetric t ${sym.max}`);
  assert.is(sym.min, -(sym.max as number));
  const aff = c.range();
  assert.ok((aff.max as number) > 9.8 && (aff.max as number) < 10.4, `upper ${aff.max}`);
  assert.ok((aff.min as number) < -9.8 && (aff.min as number) > -10.4, `lower ${aff.min}`);
  // 100th percentile = the whole observed range.
  const all = ei8.createCalibrator({ method: 'percentile', percentile: 100 });
  all.observe(x);
  assert.equal(all.range(), { min: -3000, max: 5000 });
});

test('histograms widen when later batches reach further, keeping every count', () => {
  const c = ei8.createCalibrator({ method: 'percentile', percentile: 50, bins: 64 });
  c.observe(Float32Array.from({ length: 1000 }, (_, i) => i / 1000)); // [0, 1)
  c.observe(Float32Array.from({ length: 1000 }, (_, i) => 100 + i / 10)); // [100, 200): widens ~2^8 times
  const median = c.range({ symmetric: true }).max as number;
  // Half the values are below 1 and half above 100: the median sits at the boundary bin, ~ [0, 100].
  assert.ok(median >= 0.5 && median <= 100, `median ${median}`);
  const p99 = ei8.createCalibrator({ method: 'percentile', percentile: 99, bins: 64 });
  p99.observe(Float32Array.from({ length: 1000 }, (_, i) => i / 1000));
  p99.observe(Float32Array.from({ length: 1000 }, (_, i) => 100 + i / 10));
  const t = p99.range({ symmetric: true }).max as number;
  assert.ok(t > 190 && t <= 200, `99th percentile ${t}`);
});

test('mse picks a clipping range that beats min/max on heavy-tailed data', () => {
  const rand = rng(4);
  const x = Float32Array.from({ length: 20000 }, () => gaussian(rand) * (rand() < 0.001 ? 40 : 1));
  for (const [dtype, symmetric] of [['int8', true], ['uint8', false], ['int8', false]] as const) {
    const mse = ei8.createCalibrator({ method: 'mse' });
    const mm = ei8.createCalibrator();
    mse.observe(x);
    mm.observe(x);
    const pm = mse.params({ dtype, symmetric });
    const pmm = mm.params({ dtype, symmetric });
    assert.ok((pm.scale as number) < (pmm.scale as number), `${dtype} symmetric=${symmetric}: clips`);
    assert.ok(qdqMse(x, pm) < qdqMse(x, pmm), `${dtype} symmetric=${symmetric}: ${qdqMse(x, pm)} vs ${qdqMse(x, pmm)}`);
  }
});

test('entropy (TensorRT KL) clips outliers and lowers the error of the bulk', () => {
  const rand = rng(5);
  const x = Float32Array.from({ length: 50000 }, () => gaussian(rand));
  for (let i = 0; i < 20; i++) x[i * 997] = (i % 2 ? 1 : -1) * 60;
  const e = ei8.createCalibrator({ method: 'entropy' });
  for (let b = 0; b < 5; b++) e.observe(x.subarray(b * 10000, (b + 1) * 10000));
  const r = e.range({ symmetric: true });
  const t = r.max as number;
  assert.ok(t > 2 && t < 30, `threshold ${t} (max |x| = 60)`);
  const bulk = x.filter((v) => Math.abs(v) < 4);
  const mm = ei8.createCalibrator();
  mm.observe(x);
  assert.ok(qdqMse(bulk, e.params({ symmetric: true })) < qdqMse(bulk, mm.params({ symmetric: true })) / 4);
  // Affine: the observed range clipped to [-t, t].
  const a = e.range();
  assert.is(a.min, -t);
  assert.is(a.max, t);
});

test('per-channel histograms: each channel its own threshold', () => {
  const rand = rng(6);
  const channels = 3;
  const rows = 4000;
  const x = new Float32Array(rows * channels);
  for (let r = 0; r < rows; r++) for (let ch = 0; ch < channels; ch++) x[r * channels + ch] = gaussian(rand) * (ch + 1) ** 2;
  x[5 * channels + 2] = 500;
  for (const method of ['percentile', 'mse', 'entropy'] as const) {
    // 4000 values per channel: the 99.9th percentile leaves out the top 4, the outlier among them.
    const c = ei8.createCalibrator({ method, axis: 1, bins: 512, ...(method === 'percentile' ? { percentile: 99.9 } : {}) });
    c.observe(x, [rows, channels]);
    const hi = c.range({ symmetric: true }).max as Float32Array;
    assert.is(hi.length, channels);
    assert.ok(hi[0] < hi[1] && hi[1] < hi[2], `${method}: ${Array.from(hi)}`);
    // One outlier of 500 among 4000 values of sigma 9: percentile and entropy clip it; for mse,
    // keeping it (one 500-sized error avoided against a coarser grid for the rest) is the optimum.
    if (method !== 'mse') assert.ok(hi[2] < 200, `${method}: channel 2 ignores its outlier (${hi[2]})`);
    const p = c.params({ symmetric: true });
    assert.equal(Array.from(p.zeroPoint as Int32Array), [0, 0, 0]);
    assert.is(c.channels, channels);
  }
});

test('zero-range data: scale 1 and the documented zero points, for every method (never NaN)', () => {
  for (const method of ['minmax', 'moving-average', 'percentile', 'mse', 'entropy'] as const) {
    const c = ei8.createCalibrator({ method });
    c.observe(new Float32Array(100));
    c.observe(new Float32Array(7));
    assert.equal(c.range(), { min: 0, max: 0 }, method);
    assert.equal(c.params(), { dtype: 'int8', scale: 1, zeroPoint: -128 }, method);
    assert.equal(c.params({ dtype: 'uint8' }), { dtype: 'uint8', scale: 1, zeroPoint: 0 }, method);
    assert.equal(c.params({ symmetric: true }), { dtype: 'int8', scale: 1, zeroPoint: 0 }, method);
    assert.equal(c.params({ dtype: 'uint8', symmetric: true }), { dtype: 'uint8', scale: 1, zeroPoint: 128 }, method);
    // A later nonzero batch: the earlier zeros still count.
    c.observe(Float32Array.from([0, 2]));
    assert.ok((c.params().scale as number) > 0);
  }
  // Constant nonzero data: the range still contains 0.
  const k = ei8.createCalibrator({ method: 'entropy' });
  k.observe(new Float32Array(50).fill(-3));
  assert.equal(k.range(), { min: -3, max: 0 });
  assert.ok(Number.isFinite(k.params().scale as number));
});

test('absMax per tensor and per channel (the input of smooth())', () => {
  const c = ei8.createCalibrator({ axis: -1 });
  c.observe(Float32Array.from([1, -5, 2, 0.5, 3, -1]), [3, 2]);
  c.observe(Float32Array.from([-7, 0]), [1, 2]);
  assert.equal(Array.from(c.absMax() as Float32Array), [7, 5]);
  const t = ei8.createCalibrator();
  t.observe(Float32Array.from([1, -9]));
  assert.is(t.absMax(), 9);
});

test.run();
