import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, forEachIsa, jsMatmulInt32, qtensor, randomBytes, rng } from './helpers';

const W_KN = Int8Array.from([1, -2, 3, 4, -128, 127]); // [K=3, N=2]

test('matmulInt32 by hand: uint8 A and per-column int8 zero points', () => {
  const b = ei8.packWeights({ data: W_KN, shape: [3, 2], quant: { dtype: 'int8', scale: Float32Array.from([1, 1]), zeroPoint: Int32Array.from([1, -1]), axis: 1 } });
  const a = qtensor(Uint8Array.from([255, 0, 10, 1, 2, 3]), [2, 3], 1, 10);
  forEachIsa(() => {
    // row 0: 245*0 + (-10)*2 + 0 = -20; 245*(-1) + (-10)*5 + 0 = -295
    // row 1: -9*0 + -8*2 + -7*(-129) = 887; -9*(-1) + -8*5 + -7*128 = -927
    assert.equal(Array.from(ei8.matmulInt32(a, b)), [-20, -295, 887, -927]);
  });
});

test('matmulInt32 matches the JS oracle for every dtype pair and zero point', () => {
  const rand = rng(7);
  for (const ad of ['int8', 'uint8'] as const) {
    for (const bd of ['int8', 'uint8'] as const) {
      const m = 5, k = 37, n = 19;
      const aData = randomBytes(rand, m * k, ad);
      const bData = randomBytes(rand, k * n, bd);
      const za = ad === 'int8' ? -128 : 255;
      const zb = Int32Array.from({ length: n }, (_, j) => (bd === 'int8' ? -128 + j * 13 : j * 13));
      const b = ei8.packWeights({ data: bData, shape: [k, n], quant: { dtype: bd, scale: new Float32Array(n).fill(1), zeroPoint: zb, axis: 1 } });
      const want = Array.from(jsMatmulInt32(aData, m, k, za, bData, n, zb));
      forEachIsa((isa) => assert.equal(Array.from(ei8.matmulInt32(qtensor(aData, [m, k], 1, za), b)), want, `${ad} x ${bd} on ${isa}`));
    }
  }
});

test("'nk' and 'kn' layouts give the same result", () => {
  const rand = rng(3);
  const k = 9, n = 5;
  const kn = randomBytes(rand, k * n, 'int8');
  const nk = new Int8Array(k * n);
  for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) nk[j * k + kk] = kn[kk * n + j];
  const scale = Float32Array.from({ length: n }, (_, j) => 0.01 * (j + 1));
  const zeroPoint = new Int32Array(n);
  const b1 = ei8.packWeights({ data: kn, shape: [k, n], quant: { dtype: 'int8', scale, zeroPoint, axis: 1 } });
  const b2 = ei8.packWeights({ data: nk, shape: [n, k], quant: { dtype: 'int8', scale, zeroPoint, axis: 0 } }, { layout: 'nk' });
  const a = qtensor(randomBytes(rand, 4 * k, 'int8'), [4, k], 0.02, 3);
  assert.equal(Array.from(ei8.matmulInt32(a, b2)), Array.from(ei8.matmulInt32(a, b1)));
  const opts = { output: { scale: 0.05, zeroPoint: -3 } };
  assert.equal(Array.from(ei8.matmul(a, b2, opts).data), Array.from(ei8.matmul(a, b1, opts).data));
});

test('per-channel weights with equal parameters equal per-tensor weights', () => {
  const rand = rng(11);
  const k = 16, n = 7;
  const data = randomBytes(rand, k * n, 'uint8');
  const bt = ei8.packWeights({ data, shape: [k, n], quant: { dtype: 'uint8', scale: 0.02, zeroPoint: 131 } });
  const bc = ei8.packWeights({ data, shape: [k, n], quant: { dtype: 'uint8', scale: new Float32Array(n).fill(0.02), zeroPoint: new Int32Array(n).fill(131), axis: 1 } });
  const a = qtensor(randomBytes(rand, 3 * k, 'uint8'), [3, k], 0.1, 100);
  const opts = { output: { scale: 0.3, zeroPoint: 0 }, rounding: 'fixedpoint' as const };
  assert.equal(Array.from(ei8.matmul(a, bc, opts).data), Array.from(ei8.matmul(a, bt, opts).data));
});

test("matmul 'float': ties to even, bias before scaling, zero point after, clamp", () => {
  // acc = 3*2 + 2*2 = 10, + bias 1 = 11; 11 * (1 * 0.5 / 1) = 5.5 -> 6; + zy 100
  const b = ei8.packWeights({ data: Int8Array.from([2, 2]), shape: [2, 1], quant: { dtype: 'int8', scale: 0.5, zeroPoint: 0 } });
  const a = qtensor(Int8Array.from([3, 2, 2, 3, 1, 2]), [3, 2], 1, 0);
  forEachIsa((isa) => {
    const y = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 100 }, bias: Int32Array.from([1]) });
    // rows: 11 -> 5.5 -> 6 ; 11 -> 6 ; 7 -> 3.5 -> 4
    assert.equal(Array.from(y.data), [106, 106, 104], isa);
    const clamped = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 100 }, bias: Int32Array.from([1]), clamp: [0, 105] });
    assert.equal(Array.from(clamped.data), [105, 105, 104], isa);
    const noBias = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 } });
    assert.equal(Array.from(noBias.data), [5, 5, 3], `${isa}: 10*0.5 = 5, 6*0.5 = 3 exactly`);
  });
});

test("matmul 'fixedpoint' follows TFLite: ties away from zero, double rounding", () => {
  const b = ei8.packWeights({ data: Int8Array.from([1]), shape: [1, 1], quant: { dtype: 'int8', scale: 0.5, zeroPoint: 0 } });
  const a = qtensor(Int8Array.from([5, -5, 3, -3]), [4, 1], 1, 0);
  forEachIsa((isa) => {
    const f = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 } });
    const x = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 }, rounding: 'fixedpoint' });
    assert.equal(Array.from(f.data), [2, -2, 2, -2], `float on ${isa}`); // 2.5 -> 2, 1.5 -> 2
    assert.equal(Array.from(x.data), [3, -2, 2, -1], `fixedpoint on ${isa}`); // SRDHM rounds half up
  });
  // 1 * 0.375: fixed point rounds 1.25 -> 1 then 0.5 -> 1; float gives 0.
  const b3 = ei8.packWeights({ data: Int8Array.from([1]), shape: [1, 1], quant: { dtype: 'int8', scale: 0.375, zeroPoint: 0 } });
  const one = qtensor(Int8Array.from([1]), [1, 1], 1, 0);
  assert.equal(Array.from(ei8.matmul(one, b3, { output: { scale: 1, zeroPoint: 0 }, rounding: 'fixedpoint' }).data), [1]);
  assert.equal(Array.from(ei8.matmul(one, b3, { output: { scale: 1, zeroPoint: 0 } }).data), [0]);
});

test('matmul saturates at both ends of int8 and uint8 outputs', () => {
  const b = ei8.packWeights({ data: Int8Array.from([127]), shape: [1, 1], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  const a = qtensor(Int8Array.from([127, -128]), [2, 1], 1, 0);
  assert.equal(Array.from(ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 } }).data), [127, -128]);
  const u = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 10, dtype: 'uint8' } });
  assert.equal(Array.from(u.data), [255, 0]);
  assert.equal(u.quant, { dtype: 'uint8', scale: 1, zeroPoint: 10 });
});

test('matmulDequantize and grouped weights sum groups in f32', () => {
  const w: ei8.QTensor = { data: Int8Array.from([1, 1, 1, 1]), shape: [4, 1], quant: { dtype: 'int8', scale: Float32Array.from([0.5, 2]), zeroPoint: Int32Array.from([0, 0]), axis: 0, groupSize: 2 } };
  const b = ei8.packWeights(w);
  assert.is(b.groupSize, 2);
  const a = qtensor(Int8Array.from([1, 2, 3, 4]), [1, 4], 0.25, 0);
  forEachIsa(() => {
    const y = ei8.matmulDequantize(a, b, { bias: Float32Array.from([1]) });
    assert.equal(Array.from(y), [3 * 0.125 + 7 * 0.5 + 1]);
  });
});

test("grouped 'nk' weights take [N, groups] parameters", () => {
  const rand = rng(5);
  const n = 3, k = 8, g = 4;
  const nk = randomBytes(rand, n * k, 'int8');
  const kn = new Int8Array(k * n);
  for (let j = 0; j < n; j++) for (let kk = 0; kk < k; kk++) kn[kk * n + j] = nk[j * k + kk];
  const sNk = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]); // [N=3, G=2]
  const sKn = Float32Array.from([0.1, 0.3, 0.5, 0.2, 0.4, 0.6]); // [G=2, N=3]
  const b1 = ei8.packWeights({ data: nk, shape: [n, k], quant: { dtype: 'int8', scale: sNk, zeroPoint: new Int32Array(6), axis: 1, groupSize: g } }, { layout: 'nk' });
  const b2 = ei8.packWeights({ data: kn, shape: [k, n], quant: { dtype: 'int8', scale: sKn, zeroPoint: new Int32Array(6), axis: 0, groupSize: g } });
  const x = Float32Array.from({ length: 2 * k }, (_, i) => Math.sin(i));
  assert.equal(Array.from(ei8.matmulF32(x, [2, k], b1)), Array.from(ei8.matmulF32(x, [2, k], b2)));
});

test('grouped weights with f32 output equal the reference on every ISA, GEMV and GEMM tiles', () => {
  // Every group of a panel runs in one kernel call (GEMV and GEMM tiles alike): groups of 32 and 64
  // with a shorter last one (K = 200), a 64-column panel and a tail (N = 70), weights with and
  // without -128 (the narrow and the widening kernels) and with zero points.
  const rand = rng(21);
  const k = 200, n = 70;
  for (const g of [32, 64]) {
    const groups = Math.ceil(k / g);
    for (const narrow of [true, false]) {
      const data = Int8Array.from(randomBytes(rand, n * k, 'int8'), (v) => (narrow && v === -128 ? -127 : v));
      const scale = Float32Array.from({ length: n * groups }, () => 1e-3 + rand() * 1e-2);
      const zeroPoint = Int32Array.from({ length: n * groups }, () => (narrow ? 0 : Math.floor(rand() * 5) - 2));
      const b = ei8.packWeights({ data, shape: [n, k], quant: { dtype: 'int8', scale, zeroPoint, axis: 1, groupSize: g } },
        { layout: 'nk' });
      for (const m of [1, 2, 3, 7, 16]) {
        const x = Float32Array.from({ length: m * k }, () => rand() * 2 - 1);
        ei8.setIsa('ref');
        const want = Array.from(ei8.matmulF32(x, [m, k], b));
        forEachIsa((isa) => {
          assert.equal(Array.from(ei8.matmulF32(x, [m, k], b)), want, `${isa} m=${m} g=${g} narrow=${narrow}`);
        });
      }
    }
  }
});

test('matmulF32 approximates the float product', () => {
  const rand = rng(9);
  const m = 4, k = 64, n = 8;
  const wf = Float32Array.from({ length: k * n }, () => rand() * 2 - 1);
  const xf = Float32Array.from({ length: m * k }, () => rand() * 4 - 2);
  const b = ei8.packWeights(ei8.quantize(wf, [k, n], { symmetric: true, axis: 1 }));
  for (const perToken of [true, false]) {
    const y = ei8.matmulF32(xf, [m, k], b, { perToken });
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let exact = 0;
        for (let kk = 0; kk < k; kk++) exact += xf[i * k + kk] * wf[kk * n + j];
        assert.ok(Math.abs(y[i * n + j] - exact) < 0.15, `(${i}, ${j}): ${y[i * n + j]} vs ${exact}`);
      }
    }
  }
});

test('leading dimensions of A are flattened into M and kept in the output shape', () => {
  const b = ei8.packWeights({ data: Int8Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  const a = qtensor(Int8Array.from([1, 0, 0, 1, 1, 1, 2, 2]), [2, 2, 2], 1, 0);
  const y = ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 } });
  assert.equal(y.shape, [2, 2, 3]);
  assert.equal(Array.from(y.data), [1, 2, 3, 4, 5, 6, 5, 7, 9, 10, 14, 18]);
});

// 7 x 45 x 23 runs inline (a settled promise); each function's first call of 7 x 700 x 230 (1.1 M
// multiply-adds, not measured yet) on a libuv worker.
for (const [m, k, n] of [[7, 45, 23], [7, 700, 230]]) test(`async results equal sync results, for every function (${m}x${k}x${n})`, async () => {
  const rand = rng(21);
  const wf = Float32Array.from({ length: k * n }, () => rand() * 2 - 1);
  const b = ei8.packWeights(ei8.quantize(wf, [k, n], { symmetric: true, axis: 1 }));
  const xf = Float32Array.from({ length: m * k }, () => rand() * 2 - 1);
  const a = ei8.quantize(xf, [m, k]);
  const opts = { output: { scale: 0.05, zeroPoint: 0 }, bias: Int32Array.from({ length: n }, (_, j) => j * 100 - 1000) };
  assert.equal(Array.from(await ei8.matmulInt32Async(a, b)), Array.from(ei8.matmulInt32(a, b)));
  assert.equal(Array.from((await ei8.matmulAsync(a, b, opts)).data), Array.from(ei8.matmul(a, b, opts).data));
  assert.equal(Array.from(await ei8.matmulDequantizeAsync(a, b)), Array.from(ei8.matmulDequantize(a, b)));
  assert.equal(Array.from(await ei8.matmulF32Async(xf, [m, k], b)), Array.from(ei8.matmulF32(xf, [m, k], b)));
  const out = new Int32Array(m * n);
  assert.is(await ei8.matmulInt32Async(a, b, out), out);
  // Many in flight at once, each resolving to its own correct result.
  const results = await Promise.all(Array.from({ length: 16 }, () => ei8.matmulInt32Async(a, b)));
  const want = Array.from(ei8.matmulInt32(a, b));
  for (const r of results) assert.equal(Array.from(r), want);
});

// Placement (csrc/napi/async_placement.h), seen from JS: a call that ran inline has settled within
// the microtasks of the calling task; a worker's result comes back in a later turn of the event
// loop, so it cannot have, however fast the worker was. (Waiting for the next setImmediate instead
// raced: on a loaded machine the worker's 67 M multiply-adds finished before it, and the test failed
// about once in ten runs next to a qemu job.) Only first calls are asserted (later ones go where
// their measured time says, which depends on the machine): weights of their own, so that no call of
// the same key was measured before.
test('async placement: a small first call settles at once, a large one goes to a worker, results exact', async () => {
  const settled = async (p: Promise<unknown>) => {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    // More microtask turns than the async wrappers' promise chain takes; no macrotask runs between.
    for (let i = 0; i < 16; i++) await null;
    return done;
  };
  const rand = rng(5);
  const q = (k: number, n: number) =>
    ({ data: randomBytes(rand, k * n, 'int8'), shape: [k, n], quant: { dtype: 'int8' as const, scale: 1, zeroPoint: 0 } });
  const qs = q(16, 16), ql = q(2048, 512);
  const a16 = qtensor(Int8Array.from({ length: 16 * 16 }, (_, i) => (i * 7) % 200 - 100), [16, 16], 1, 0);
  const a64 = qtensor(Int8Array.from({ length: 64 * 2048 }, (_, i) => (i * 13) % 250 - 125), [64, 2048], 1, 0);
  const wantSmall = Array.from(ei8.matmulInt32(a16, ei8.packWeights(qs)));
  const wantLarge = Array.from(ei8.matmulInt32(a64, ei8.packWeights(ql)));
  const small = ei8.packWeights(qs), large = ei8.packWeights(ql);
  for (let i = 0; i < 3; i++) {
    const ps = ei8.matmulInt32Async(a16, small);
    if (i === 0) assert.ok(await settled(ps), '16x16x16: first call ran inline');
    assert.equal(Array.from(await ps), wantSmall);
    const pl = ei8.matmulInt32Async(a64, large);
    if (i === 0) assert.not.ok(await settled(pl), '64x2048x512: first call went to a worker');
    assert.equal(Array.from(await pl), wantLarge);
  }
});

test('out buffers are used as given (no allocation on the hot path)', () => {
  const b = ei8.packWeights({ data: Int8Array.from([1, 2]), shape: [1, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  const a = qtensor(Int8Array.from([3]), [1, 1], 1, 0);
  const o32 = new Int32Array(2);
  assert.is(ei8.matmulInt32(a, b, o32), o32);
  const o8 = new Int8Array(2);
  assert.is(ei8.matmul(a, b, { output: { scale: 1, zeroPoint: 0 }, out: o8 }).data, o8);
  const of = new Float32Array(2);
  assert.is(ei8.matmulDequantize(a, b, { out: of }), of);
  assert.equal(Array.from(o8), [3, 6]);
});

test('PackedWeights reports its size and layout, and dispose() is idempotent', () => {
  const b = ei8.packWeights({ data: new Int8Array(64 * 32), shape: [64, 32], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  assert.ok(b.bytes >= 64 * 32);
  assert.type(b.packedLayout, 'string');
  assert.is(b.k, 64);
  assert.is(b.n, 32);
  b.dispose();
  b.dispose();
  assert.ok(b.disposed);
});

test('cpuInfo, setIsa and threads', () => {
  const info = ei8.cpuInfo();
  assert.ok(info.available.includes('ref'));
  assert.ok(info.available.includes(info.isa));
  ei8.setIsa('ref');
  assert.is(ei8.cpuInfo().isa, 'ref');
  ei8.setIsa('auto');
  assert.is(ei8.cpuInfo().isa, info.available[info.available.length - 1]);
  const t = ei8.getThreads();
  ei8.setThreads(1);
  assert.is(ei8.getThreads(), 1);
  ei8.setThreads(t);
});

test.run();
