/** Sparse weights through the public API: every output kind equals the dense path on the same pruned weights. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, forEachIsa, qtensor, randomBytes, rng } from './helpers';

function floats(rand: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
}

/** Pruned, symmetric per-channel int8 weights [K, N] (or [N, K]). */
function prunedWeights(seed: number, k: number, n: number, pattern: string, sparsity: number | undefined, layout: 'kn' | 'nk' = 'kn',
  dtype: ei8.QDType = 'int8'): ei8.QTensor {
  const rand = rng(seed);
  const shape: [number, number] = layout === 'kn' ? [k, n] : [n, k];
  const pruned = ei8.prune(floats(rand, k * n), shape, { pattern, sparsity, layout });
  return ei8.quantize(pruned.weights, shape, { dtype, symmetric: true, axis: layout === 'kn' ? 1 : 0 });
}

const CASES: { pattern: string; sparsity?: number; opts: ei8.PackSparseOptions; format: string }[] = [
  { pattern: 'unstructured', sparsity: 0.9, opts: { format: 'csr' }, format: 'csr' },
  { pattern: 'unstructured', sparsity: 0.75, opts: { format: 'sell' }, format: 'sell' },
  { pattern: '2:4', opts: { nm: [2, 4] }, format: 'nm' },
  { pattern: '1:4', opts: { nm: [1, 4] }, format: 'nm' },
  { pattern: '4:8', opts: { nm: [4, 8] }, format: 'nm' },
  { pattern: '1x4', sparsity: 0.75, opts: { block: [1, 4] }, format: 'bsr' },
  { pattern: '4x1', sparsity: 0.5, opts: { block: [4, 1] }, format: 'bsr' },
  { pattern: '1x16', sparsity: 0.9, opts: { block: [1, 16] }, format: 'bsr' },
  { pattern: '4x4', sparsity: 0.95, opts: { block: [4, 4] }, format: 'bsr' },
];

test('every pattern, every output kind and every ISA equals the dense path on the same weights', () => {
  const k = 71, n = 37;
  for (const [ci, c] of CASES.entries()) {
    for (const m of [1, 5, 17]) {
      const w = prunedWeights(10 + ci, k, n, c.pattern, c.sparsity);
      const dense = ei8.packWeights(w);
      const sparse = ei8.packSparse(w, c.opts);
      assert.is(sparse.format, c.format, c.pattern);
      const rand = rng(ci * 100 + m);
      const a = qtensor(randomBytes(rand, m * k, 'uint8'), [m, k], 0.02, 131);
      const af = floats(rand, m * k);
      const bias = Int32Array.from({ length: n }, (_, j) => j * 97 - 1500);
      const biasF = Float32Array.from({ length: n }, (_, j) => j * 0.25 - 3);
      forEachIsa((isa) => {
        const what = `${c.pattern} m=${m} on ${isa}`;
        assert.equal(Array.from(ei8.matmulInt32(a, sparse)), Array.from(ei8.matmulInt32(a, dense)), what);
        for (const rounding of ['float', 'fixedpoint'] as const) {
          const opts = { output: { scale: 0.05, zeroPoint: -7 }, bias, clamp: [-100, 120] as [number, number], rounding };
          assert.equal(Array.from(ei8.matmul(a, sparse, opts).data), Array.from(ei8.matmul(a, dense, opts).data), `${what} ${rounding}`);
          const u8 = { output: { scale: 0.04, zeroPoint: 128, dtype: 'uint8' as const }, rounding };
          assert.equal(Array.from(ei8.matmul(a, sparse, u8).data), Array.from(ei8.matmul(a, dense, u8).data), `${what} u8 ${rounding}`);
        }
        assert.equal(Array.from(ei8.matmulDequantize(a, sparse, { bias: biasF })), Array.from(ei8.matmulDequantize(a, dense, { bias: biasF })), what);
        for (const perToken of [true, false]) {
          assert.equal(Array.from(ei8.matmulF32(af, [m, k], sparse, { perToken, bias: biasF })),
            Array.from(ei8.matmulF32(af, [m, k], dense, { perToken, bias: biasF })), `${what} f32 perToken=${perToken}`);
        }
      });
    }
  }
});

test('async twins resolve to the sync results', async () => {
  const k = 64, n = 24, m = 3;
  const w = prunedWeights(5, k, n, '2:4', undefined);
  const s = ei8.packSparse(w);
  const rand = rng(6);
  const a = qtensor(randomBytes(rand, m * k, 'int8'), [m, k], 0.1, -3);
  const af = floats(rand, m * k);
  assert.equal(Array.from(await ei8.matmulInt32Async(a, s)), Array.from(ei8.matmulInt32(a, s)));
  const opts = { output: { scale: 0.5, zeroPoint: 1 } };
  assert.equal(Array.from((await ei8.matmulAsync(a, s, opts)).data), Array.from(ei8.matmul(a, s, opts).data));
  assert.equal(Array.from(await ei8.matmulDequantizeAsync(a, s)), Array.from(ei8.matmulDequantize(a, s)));
  assert.equal(Array.from(await ei8.matmulF32Async(af, [m, k], s)), Array.from(ei8.matmulF32(af, [m, k], s)));
});

test("'nk' layout, uint8 weights and per-tensor parameters", () => {
  const k = 40, n = 18, m = 4;
  for (const dtype of ['int8', 'uint8'] as const) {
    const w = prunedWeights(7, k, n, '1x4', 0.5, 'nk', dtype);
    const wt = { ...w, quant: { dtype, scale: 0.01, zeroPoint: dtype === 'int8' ? 0 : 128 } };
    for (const q of [w, wt]) {
      const a = qtensor(randomBytes(rng(8), m * k, 'int8'), [m, k], 0.1, 5);
      const dense = ei8.packWeights(q, { layout: 'nk' });
      const sparse = ei8.packSparse(q, { layout: 'nk', block: [1, 4] });
      assert.equal(Array.from(ei8.matmulInt32(a, sparse)), Array.from(ei8.matmulInt32(a, dense)));
      const opts = { output: { scale: 0.02, zeroPoint: 0 } };
      assert.equal(Array.from(ei8.matmul(a, sparse, opts).data), Array.from(ei8.matmul(a, dense, opts).data));
    }
  }
});

test("'auto' finds the structure, and falls back to dense when sparse would not pay", () => {
  assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '2:4', undefined)).nm, [2, 4]);
  assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '1:4', undefined)).nm, [1, 4]);
  const blocks = ei8.packSparse(prunedWeights(2, 256, 64, '4x4', 0.9));
  assert.is(blocks.format, 'bsr');
  assert.equal(blocks.block, [4, 4]);
  const dense = ei8.packSparse(prunedWeights(3, 256, 64, 'unstructured', 0.1));
  assert.is(dense.format, 'dense');
  assert.is(dense.streamBytes, 256 * 64);
});

/** w with one kept weight set to -128 (symmetric int8, zero point 0): the widening kernels serve it. */
function withMinus128(w: ei8.QTensor): ei8.QTensor {
  const data = Int8Array.from(w.data as Int8Array);
  data[data.findIndex((v) => v !== 0)] = -128;
  return { ...w, data };
}

test("'auto' weighs GEMV formats by the costs measured on the path and table in use (sse41, avx2)", () => {
  // 4x4 blocks at 30 % ran 0.74x (sse41) and 0.83x (avx2) their dense GEMV on the widening kernels,
  // where AVX-512's figures would take them (and take them there); sse41's narrow kernels ran them
  // 1.23x. 2:4 and 4x1 blocks at 90 % pay on every path and table.
  const twoFour = prunedWeights(1, 256, 64, '2:4', undefined);
  const fourByFour = prunedWeights(4, 256, 64, '4x4', 0.3);
  const fourByOne = prunedWeights(4, 256, 64, '4x1', 0.9);
  const available = ei8.cpuInfo().available;
  try {
    for (const isa of ['sse41', 'avx2'].filter((x) => available.includes(x))) {
      ei8.setIsa(isa);
      assert.is(ei8.sparseIsa(), isa);
      for (const w of [twoFour, withMinus128(twoFour)]) {
        assert.equal(ei8.packSparse(w).nm, [2, 4], isa);
        assert.equal(ei8.packSparse(w, { rows: 8 }).nm, [2, 4], isa);
      }
      assert.is(ei8.packSparse(withMinus128(fourByFour)).format, 'dense', isa);
      if (isa === 'sse41') assert.equal(ei8.packSparse(fourByFour).block, [4, 4], isa);
      for (const w of [fourByOne, withMinus128(fourByOne)]) {
        assert.equal(ei8.packSparse(w).block, [4, 1], isa);
        assert.equal(ei8.packSparse(w, { rows: 64 }).block, [4, 1], isa);
      }
    }
  } finally {
    ei8.setIsa('auto');
  }
  if (ei8.cpuInfo().available.at(-1) === 'avx512vnni') assert.equal(ei8.packSparse(fourByFour).block, [4, 4]);
});

/** The SELL kernel of the sparse path in use; undefined where 'auto' does not weigh SELL. */
function sellKernel(): 'permute' | 'lookups' | undefined {
  const k = ei8.sparseSellKernel();
  return k === 'permute' || k === 'lookups' ? k : undefined;
}

test('sparseSellKernel names the SELL kernel of the path in use', () => {
  // Byte permutes on ARM and on AVX-512 with VBMI, lookups on the other x86 paths with a SIMD SELL
  // kernel, the portable loop on scalar and sse41.
  const vbmi = ei8.cpuInfo().features.includes('avx512vbmi');
  forEachIsa((dense) => {
    const isa = ei8.sparseIsa();
    const expected = isa === 'ref' ? 'ref' : isa === 'scalar' || isa === 'sse41' ? 'portable'
      : isa === 'neon' || isa === 'dotprod' || (isa === 'avx512vnni' && vbmi) ? 'permute' : 'lookups';
    assert.is(ei8.sparseSellKernel(), expected, dense);
  });
});

test("'auto' packs unstructured weights as SELL where the path in use has its kernel", () => {
  // 4096 x 4096 at 90 %, one thread: SELL 3.0-3.5x the dense GEMV by byte permutes, 1.5-1.6x by
  // lookups on ymm and 2.4x on zmm; CSR (gather) 0.25-0.4x.
  const w = prunedWeights(3, 512, 64, 'unstructured', 0.9);
  try {
    for (const isa of ei8.cpuInfo().available.filter((x) => x !== 'ref')) {
      ei8.setIsa(isa);
      assert.is(ei8.packSparse(w).format, sellKernel() ? 'sell' : 'dense', isa);
      // Lookups run a row at a time, where the dense GEMV takes four rows for 1-1.8x the price of one.
      assert.is(ei8.packSparse(w, { rows: 4 }).format, sellKernel() === 'permute' ? 'sell' : 'dense', isa);
    }
  } finally {
    ei8.setIsa('auto');
  }
});

// The sparse paths that weigh batch costs measured on themselves (SparseKernels::batch_costs).
const OWN_BATCH_COSTS = ['avx2', 'sse41'];

test("'auto' for batches (rows >= 8) weighs the formats by their batch costs", () => {
  // The AVX-512 VNNI figures, which every sparse path without batch costs of its own weighs (avx2
  // and sse41 measured theirs: the next test).
  if (OWN_BATCH_COSTS.includes(ei8.sparseIsa())) return;
  // N:M in batches: 2:4 and 4:8 about as fast as dense (median 1.07x at M = 8 and 64) in 3/4 of
  // the bytes, 1:4 1.74-2.8x; unstructured weights that do not fit any pattern stay dense.
  for (const rows of [8, 64, 4096]) {
    assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '2:4', undefined), { rows }).nm, [2, 4]);
    assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '4:8', undefined), { rows }).nm, [4, 8]);
    assert.is(ei8.packSparse(prunedWeights(3, 256, 64, 'unstructured', 0.5), { rows }).format, 'dense');
    assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '1:4', undefined), { rows }).nm, [1, 4]);
    assert.equal(ei8.packSparse(prunedWeights(2, 256, 64, '4x4', 0.9), { rows }).block, [4, 4]);
    // 1x16 blocks: dense at 50 % (0.52x at M = 64); blocks at 90 % (as 1x16, or as 1x4, which ran
    // 3.4x dense at M = 64 against 3.0x for 1x16).
    assert.is(ei8.packSparse(prunedWeights(4, 256, 64, '1x16', 0.5), { rows }).format, 'dense');
    assert.is(ei8.packSparse(prunedWeights(4, 256, 64, '1x16', 0.9), { rows }).format, 'bsr');
  }
  // CSR and 4x1 blocks (bsr_k1_mvec) pay from fewer zeros the more rows a call has: unstructured
  // weights at 90 % go to another format for 8 rows (dense, or 4:8 where they happen to fit it, or
  // SELL where a byte-permute kernel runs: 2.6x dense at M = 8) and pack as CSR for 64 (2.0-2.5x
  // dense there; SELL by permutes 2.1-2.4x, so either); 4x1 blocks at 75 % likewise stay 4x1 for 64
  // (1.9-2.0x dense). SELL by lookups runs row by row, 0.4-1.0x dense: never for batches.
  const permutes = sellKernel() === 'permute';
  const unstructured8 = ei8.packSparse(prunedWeights(3, 256, 64, 'unstructured', 0.9), { rows: 8 }).format;
  assert.ok(permutes ? unstructured8 === 'sell' : unstructured8 !== 'csr' && unstructured8 !== 'sell', unstructured8);
  const unstructured64 = ei8.packSparse(prunedWeights(3, 256, 64, 'unstructured', 0.9), { rows: 64 }).format;
  assert.ok(unstructured64 === 'csr' || (permutes && unstructured64 === 'sell'), unstructured64);
  assert.not.equal(ei8.packSparse(prunedWeights(3, 256, 64, '4x1', 0.75), { rows: 8 }).block, [4, 1]);
  assert.equal(ei8.packSparse(prunedWeights(3, 256, 64, '4x1', 0.75), { rows: 64 }).block, [4, 1]);
  // Below 8 rows the GEMV costs hold, and the default is one row.
  for (const rows of [1, 7]) assert.equal(ei8.packSparse(prunedWeights(1, 256, 64, '2:4', undefined), { rows }).nm, [2, 4]);
  assert.equal(ei8.packSparse(prunedWeights(4, 256, 64, '1x16', 0.5)).block, [1, 16]);
  // Whatever the choice, the product is the dense one.
  const w = prunedWeights(5, 256, 64, '2:4', undefined);
  const a = ei8.quantize(floats(rng(6), 9 * 256), [9, 256], { dtype: 'uint8' });
  assert.equal(Array.from(ei8.matmulInt32(a, ei8.packSparse(w, { rows: 9 }))), Array.from(ei8.matmulInt32(a, ei8.packWeights(w))));
});

test("'auto' weighs batch formats by the costs measured on the path and table in use (avx2, sse41)", () => {
  // Against their own dense kernels (crossover runs of 2026-12-07, 4096 x 4096, one thread) the
  // narrow sparse kernels ran unstructured weights at 70 % as CSR 1.69x (avx2) and 1.51x (sse41)
  // dense at M = 64, 1x16 blocks at 50 % 1.50x and 1.49x, and 4x1 blocks at 75 % 1.4-1.9x and
  // 2.8-4.3x at M = 16, where the AVX-512 figures keep all three dense (or in another format);
  // unstructured weights at 90 % as CSR 1.20x and 2.34x at M = 8. At M = 8 4x1 blocks at 75 % ran
  // 0.7-1.0x on avx2 and 1.3-1.8x on sse41. With -128 (the widening tables, against the widening
  // dense kernel) 4x4 blocks at 30 % ran 1.44x and 1.58x at M = 8.
  const available = ei8.cpuInfo().available;
  const unstructured70 = prunedWeights(3, 256, 64, 'unstructured', 0.7);
  const unstructured90 = prunedWeights(3, 256, 64, 'unstructured', 0.9);
  const oneBySixteen = prunedWeights(4, 256, 64, '1x16', 0.5);
  const fourByOne = prunedWeights(3, 256, 64, '4x1', 0.75);
  const fourByFour = withMinus128(prunedWeights(4, 256, 64, '4x4', 0.3));
  try {
    for (const isa of OWN_BATCH_COSTS.filter((x) => available.includes(x))) {
      ei8.setIsa(isa);
      assert.is(ei8.packSparse(unstructured70, { rows: 64 }).format, 'csr', isa);
      assert.is(ei8.packSparse(oneBySixteen, { rows: 64 }).format, 'bsr', isa);
      assert.equal(ei8.packSparse(fourByOne, { rows: 16 }).block, [4, 1], isa);
      assert.is(String(ei8.packSparse(fourByOne, { rows: 8 }).block) === '4,1', isa === 'sse41', isa);
      const at8 = ei8.packSparse(unstructured90, { rows: 8 });
      assert.ok(at8.format === 'csr' || at8.format === 'nm', `${isa} ${at8.format}`);
      assert.equal(ei8.packSparse(fourByFour, { rows: 8 }).block, [4, 4], isa);
    }
    // The AVX-512 figures, on the same weights.
    if (available.includes('avx512vnni')) {
      ei8.setIsa('avx512vnni');
      assert.is.not(ei8.packSparse(unstructured70, { rows: 64 }).format, 'csr');
      assert.is(ei8.packSparse(oneBySixteen, { rows: 64 }).format, 'dense');
      assert.not.equal(ei8.packSparse(fourByOne, { rows: 16 }).block, [4, 1]);
      assert.is(ei8.packSparse(fourByFour, { rows: 8 }).format, 'dense');
    }
  } finally {
    ei8.setIsa('auto');
  }
});

test('an all-zero matrix (100% sparsity) packs and multiplies to the correction terms only', () => {
  const k = 33, n = 20, m = 2;
  const w: ei8.QTensor = { data: new Int8Array(k * n), shape: [k, n], quant: { dtype: 'int8', scale: 0.1, zeroPoint: 0 } };
  const a = qtensor(randomBytes(rng(1), m * k, 'uint8'), [m, k], 0.1, 3);
  for (const opts of [{}, { format: 'csr' as const }, { nm: [2, 4] as [number, number] }, { block: [4, 4] as [number, number] }]) {
    const s = ei8.packSparse(w, opts);
    assert.is(s.nnz, 0);
    assert.is(s.density, 0);
    forEachIsa(() => assert.equal(Array.from(ei8.matmulInt32(a, s)), new Array(m * n).fill(0)));
    assert.equal(Array.from(ei8.matmulF32(new Float32Array(m * k).fill(1), [m, k], s, { bias: new Float32Array(n).fill(2) })), new Array(m * n).fill(2));
  }
});

test('SparseWeights reports its format, density and bytes vs dense', () => {
  const w = prunedWeights(4, 512, 64, '1x16', 0.9);
  const s = ei8.packSparse(w, { block: [1, 16] });
  assert.is(s.k, 512);
  assert.is(s.n, 64);
  assert.is(s.denseBytes, 512 * 64);
  assert.ok(s.density > 0.05 && s.density < 0.15, String(s.density));
  assert.ok(s.streamBytes < s.denseBytes / 5, `${s.streamBytes} vs ${s.denseBytes}`);
  assert.ok(s.bytes >= s.streamBytes);
  const csr = ei8.packSparse(w, { format: 'csr' });
  assert.equal(csr.block, [1, 1]);
  assert.is(csr.nnz, s.nnz);
});

test('dispose frees the weights; use after dispose throws DISPOSED; dispose is idempotent', () => {
  const s = ei8.packSparse(prunedWeights(9, 16, 8, '2:4', undefined));
  assert.is(s.disposed, false);
  s.dispose();
  s.dispose();
  assert.is(s.disposed, true);
  assert.throws(() => s.bytes, (e: Error & { code: string }) => e.code === ei8.ErrorCodes.DISPOSED);
  assert.throws(() => ei8.matmulInt32(qtensor(new Int8Array(16), [1, 16], 1, 0), s),
    (e: Error & { code: string }) => e instanceof TypeError && e.code === ei8.ErrorCodes.DISPOSED);
});

test('weights without -128 run the narrow kernels of avx2 and sse41, others the exact widening ones', () => {
  // Symmetric int8 quantization gives [-127, 127]: the sign-trick tables serve it. One -128 among the
  // kept weights (zero point 0: w = -128) sends the same pattern to the widening tables; both equal ref.
  const narrow = prunedWeights(12, 64, 32, '4x4', 0.5);
  const wide = withMinus128(narrow);
  const a = qtensor(randomBytes(rng(13), 3 * 64, 'int8'), [3, 64], 0.5, 3);
  const want = (w: ei8.QTensor) => {
    ei8.setIsa('ref');
    const s = ei8.packSparse(w, { block: [4, 4] });
    try { return Array.from(ei8.matmulInt32(a, s)); } finally { s.dispose(); ei8.setIsa('auto'); }
  };
  const expected = [want(narrow), want(wide)];
  forEachIsa((isa) => {
    if (isa !== 'avx2' && isa !== 'sse41') return;
    [narrow, wide].forEach((w, i) => {
      const s = ei8.packSparse(w, { block: [4, 4] });
      const [all, fast] = [ei8.sparseIsaCalls(isa), ei8.sparseIsaCalls(`${isa}:narrow`)];
      assert.equal(Array.from(ei8.matmulInt32(a, s)), expected[i], `${isa} ${i ? 'wide' : 'narrow'}`);
      assert.is(ei8.sparseIsaCalls(isa), all + 1);
      assert.is(ei8.sparseIsaCalls(`${isa}:narrow`), fast + (i ? 0 : 1), `${isa} ${i ? 'wide' : 'narrow'}`);
      s.dispose();
    });
  });
});

test('the sparse kernels of the path in use ran', () => {
  const w = prunedWeights(11, 64, 32, '4x4', 0.75);
  const s = ei8.packSparse(w, { block: [4, 4] });
  const isa = ei8.sparseIsa();
  const before = ei8.sparseIsaCalls(isa);
  ei8.matmulInt32(qtensor(new Int8Array(64), [1, 64], 1, 0), s);
  assert.is(ei8.sparseIsaCalls(isa), before + 1);
  // A forced path never runs sparse kernels above it (amx, with no sparse kernels of its own, runs
  // avx512vnni's; sse41 its own).
  const available = ei8.cpuInfo().available;
  forEachIsa((dense) => {
    if (dense === 'ref') assert.is(ei8.sparseIsa(), 'ref');
    const at = available.indexOf(ei8.sparseIsa());
    assert.ok(at >= 0 && at <= available.indexOf(dense), `${dense}: sparse path ${ei8.sparseIsa()}`);
    if (dense === 'sse41') assert.is(ei8.sparseIsa(), 'sse41');
  });
});

test('async calls while setThreads changes the pool: every result equals the one-thread result', async () => {
  // M = 130: several row blocks, each thread preparing its own; the pool grows and shrinks meanwhile.
  const [m, k, n] = [130, 512, 256];
  const sw = ei8.packSparse(prunedWeights(41, k, n, '4x4', 0.8), { block: [4, 4] });
  const a = qtensor(randomBytes(rng(42), m * k, 'uint8'), [m, k], 0.02, 128);
  const before = ei8.getThreads();
  ei8.setThreads(1);
  const expected = ei8.matmulInt32(a, sw);
  let toggles = 0;
  const timer = setInterval(() => ei8.setThreads(1 + (toggles++ % 4)), 1);
  try {
    for (let r = 0; r < 12; r++) {
      const outs = await Promise.all([0, 1, 2, 3].map(() => ei8.matmulInt32Async(a, sw)));
      for (const o of [...outs, ei8.matmulInt32(a, sw)]) assert.equal(o, expected);
    }
  } finally {
    clearInterval(timer);
    ei8.setThreads(before);
    sw.dispose();
  }
});

test.run();
