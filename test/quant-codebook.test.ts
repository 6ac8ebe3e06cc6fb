/**
 * Codebook and power-of-two weights: k-means determinism, the index and code formats, and the
 * codebook matmuls against their reference (decode to int8, then the ordinary matmuls), on every
 * look-up-table kernel this CPU has.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, randInt, rng } from './helpers';
import { seedKmeansPlusPlus } from '../ts/nonlinear';

function randomWeights(rand: () => number, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * (rand() < 0.02 ? 6 : 1));
}

/** Runs fn with every look-up-table kernel forced, then restores 'auto'. */
function forEachKernel(fn: (kernel: string) => void): void {
  try {
    for (const k of ei8.codebookKernels().available) {
      ei8.setCodebookKernel(k);
      fn(k);
    }
  } finally {
    ei8.setCodebookKernel('auto');
  }
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

// ------------------------------------------------------------------------------ k-means ----

test('k-means is deterministic: same input and seed, same codebook and indices', () => {
  const rand = rng(1);
  const w = randomWeights(rand, 64 * 48);
  const a = ei8.quantizeCodebook(w, [64, 48], { axis: 1, seed: 7 });
  const b = ei8.quantizeCodebook(w.slice(), [64, 48], { axis: 1, seed: 7 });
  assert.equal(Array.from(a.indices), Array.from(b.indices));
  assert.equal(Array.from(a.codebook.centroids), Array.from(b.codebook.centroids));
  assert.equal(Array.from(a.codebook.scale), Array.from(b.codebook.scale));
  // A different seed starts k-means++ elsewhere (the result may or may not differ; it must be valid).
  const c = ei8.quantizeCodebook(w, [64, 48], { axis: 1, seed: 8 });
  assert.ok(ei8.quantizationError(w, c).sqnr > 15);
});

/**
 * k-means++ seeding written plainly: every seed updates every distance, the same tree of sums is
 * walked for the draw. seedKmeansPlusPlus rewrites only the run around each new seed.
 */
function seedPlain(s: Float64Array, k: number, rand: () => number): Float64Array {
  const n = s.length;
  let leaves = 1;
  while (leaves < n) leaves *= 2;
  const sum = new Float64Array(2 * leaves);
  const c = new Float64Array(k);
  c[0] = s[Math.floor(rand() * n)];
  for (let j = 0; j < k; j++) {
    if (j > 0) {
      if (sum[1] === 0) return c.fill(c[j - 1], j);
      let r = rand() * sum[1];
      let node = 1;
      while (node < leaves) {
        const left = sum[2 * node];
        if (r < left || sum[2 * node + 1] === 0) node *= 2;
        else [r, node] = [r - left, 2 * node + 1];
      }
      c[j] = s[node - leaves];
    }
    for (let i = 0; i < n; i++) {
      const d = (s[i] - c[j]) * (s[i] - c[j]);
      sum[leaves + i] = j === 0 ? d : Math.min(sum[leaves + i], d);
    }
    for (let p = leaves - 1; p >= 1; p--) sum[p] = sum[2 * p] + sum[2 * p + 1];
  }
  return c;
}

test('k-means++ seeds: the local update gives the seeds of a full pass per seed', () => {
  const rand = rng(9);
  const draws: Array<(i: number) => number> = [
    () => rand() - 0.5,
    () => Math.round((rand() - 0.5) * 8),                           // few distinct values, ties
    () => (rand() - 0.5) * 2 ** Math.floor(rand() * 200 - 100),      // magnitudes 2^-100 .. 2^100
    () => (rand() < 0.5 ? 1e-45 : -1e-45) * Math.floor(rand() * 5),   // denormals and signed zeros
    () => (rand() < 0.3 ? 0 : (rand() - 0.5) * 1e38),
    (i) => i % 7,
    () => Math.fround(1 + Math.floor(rand() * 64) * 2 ** -23),        // neighbouring float32 values
  ];
  for (const draw of draws) {
    for (const n of [1, 2, 3, 16, 17, 255, 256, 257, 1000]) {
      for (const k of [16, 256]) {
        const s = Float64Array.from(Float32Array.from({ length: n }, (_, i) => draw(i))).sort();
        const seed = Math.floor(rand() * 2 ** 31);
        const got = seedKmeansPlusPlus(s, k, rng(seed));
        assert.ok(same(got, seedPlain(s, k, rng(seed))), `n ${n}, k ${k}, seed ${seed}`);
      }
    }
  }
});

test('k-means finds well separated clusters exactly', () => {
  // 16 distinct values on the int8 grid of max|x| / 127, each repeated: 16 centroids reproduce them.
  const levels = [-127, -100, -80, -60, -45, -30, -20, -10, 0, 10, 25, 40, 60, 80, 100, 127].map((q) => q / 127);
  const x = Float32Array.from({ length: 16 * 20 }, (_, i) => levels[i % 16]);
  const t = ei8.quantizeCodebook(x, [x.length]);
  const err = ei8.quantizationError(x, t);
  assert.ok(err.maxAbsError < 1e-6, `max error ${err.maxAbsError}`);
  // Centroids are sorted, int8 within [-127, 127], and the largest magnitude maps to +-127.
  const c = Array.from(t.codebook.centroids);
  assert.equal(c, c.slice().sort((p, q) => p - q));
  assert.ok(c.some((v) => Math.abs(v) === 127));
});

test('4-bit indices pack two per byte: element i in byte i >> 1, low nibble when i is even', () => {
  const x = Float32Array.from({ length: 16 * 3 }, (_, i) => (i % 16) - 7.5);
  const t = ei8.quantizeCodebook(x, [x.length]);
  assert.is(t.indices.length, 24);
  const d = ei8.dequantizeCodebook(t);
  for (let i = 0; i < x.length; i++) {
    const idx = (t.indices[i >> 1] >> ((i & 1) * 4)) & 15;
    assert.is(d[i], Math.fround(t.codebook.scale[0] * t.codebook.centroids[idx]));
  }
  // Sorted centroids and sorted distinct inputs: index = rank.
  for (let i = 0; i < 16; i++) assert.is((t.indices[i >> 1] >> ((i & 1) * 4)) & 15, i);
});

test('each value takes the nearest decoded centroid', () => {
  const rand = rng(3);
  const x = randomWeights(rand, 40 * 24);
  // Books of 2-D and 3-D views: their values sit at strides; groups of 24 along 40 end in a tail of 16.
  const of = (shape: number[], opts: ei8.CodebookOptions[]) => opts.map((o): [number[], ei8.CodebookOptions] => [shape, o]);
  const cases = [
    ...of([40, 24], [{}, { axis: 0 }, { axis: 1 }, { axis: 0, groupSize: 20 }, { bits: 8 }]),
    ...of([2, 40, 12], [{ axis: 0 }, { axis: 1 }, { axis: 1, groupSize: 24 }, { axis: 2 }]),
  ];
  for (const [shape, opts] of cases) {
    const t = ei8.quantizeCodebook(x, shape, opts);
    const d = ei8.dequantizeCodebook(t);
    const q = ei8.codebookToQTensor(t);
    const scales = typeof q.quant.scale === 'number' ? [q.quant.scale] : Array.from(q.quant.scale);
    // Every decoded value is the nearest among its own book's decoded centroids.
    const k = 2 ** t.bits;
    for (let i = 0; i < x.length; i += 7) {
      const book = t.codebook.axis === undefined ? 0 : bookOf(t, i);
      let best = Infinity;
      for (let j = 0; j < k; j++) best = Math.min(best, Math.abs(x[i] - Math.fround(scales[book] * t.codebook.centroids[book * k + j])));
      assert.is(Math.abs(x[i] - d[i]), best, `${JSON.stringify(opts)} element ${i}`);
    }
  }
});

/** The book of element i: DESIGN.md's parameter index for per tensor / channel / group. */
function bookOf(t: ei8.CodebookTensor, i: number): number {
  const axis = t.codebook.axis!;
  const axisLen = t.shape[axis];
  const inner = t.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const o = Math.floor(i / (axisLen * inner));
  const a = Math.floor(i / inner) % axisLen;
  if (t.codebook.groupSize === undefined) return a;
  const groups = Math.ceil(axisLen / t.codebook.groupSize);
  return (o * groups + Math.floor(a / t.codebook.groupSize)) * inner + (i % inner);
}

test('codebookToQTensor decodes to int8 with the codebook scales, exactly as dequantizeCodebook', () => {
  const rand = rng(4);
  const x = randomWeights(rand, 96 * 10);
  for (const opts of [{ axis: 1 }, { axis: 0, groupSize: 32 }, {}]) {
    const t = ei8.quantizeCodebook(x, [96, 10], opts);
    assert.ok(same(ei8.dequantize(ei8.codebookToQTensor(t)), ei8.dequantizeCodebook(t)), JSON.stringify(opts));
  }
});

// ------------------------------------------------------------------------------- log2 ----

test('log2: values are 0 or +-2^e within 7 octaves below the channel maximum; ties away from zero', () => {
  // max |x| = 3 -> nearest power of two 4 (1.5 * 2 = 3 is a tie, away from zero): E = 2.
  const x = Float32Array.from([3, 1.5, -1.5, 0.75, 0.7, 2 ** -5, 1.5 * 2 ** -5, 2 ** -6, 0.9 * 2 ** -6, 0, -0.1]);
  const t = ei8.quantizeLog2(x, [x.length]);
  assert.is(t.maxExponent, 2);
  const d = Array.from(ei8.dequantizeLog2(t));
  // Representable magnitudes 2^-4 .. 2^2; below 2^-5 (half the smallest) -> 0, a tie -> 2^-4.
  assert.equal(d, [4, 2, -2, 1, 0.5, 2 ** -4, 2 ** -4, 0, 0, 0, -0.125]);
  // 4-bit codes: sign << 3 | m, m = 0 for zero.
  const code = (i: number) => (t.codes[i >> 1] >> ((i & 1) * 4)) & 15;
  assert.is(code(0), 7);
  assert.is(code(2), 8 | 6);
  assert.is(code(9), 0);
});

test('log2: 8-bit codes span 127 octaves, per channel', () => {
  const x = Float32Array.from([1e-30, 1, -(2 ** -100), 1024, 3e-20, -7]);
  const t = ei8.quantizeLog2(x, [3, 2], { bits: 8, axis: 1 });
  assert.equal(Array.from(t.maxExponent as Int32Array), [-65, 10]); // 3e-20 ~ 2^-64.85
  const d = ei8.dequantizeLog2(t);
  assert.is(d[0], Math.fround(2 ** Math.round(Math.log2(1e-30))));
  assert.is(d[2], -(2 ** -100));
  assert.is(d[3], 1024);
  assert.is(d[5], -8);
});

test('log2 4-bit codes are a codebook: same values, and the matmul runs on the look-up-table kernels', () => {
  const rand = rng(5);
  const k = 70;
  const n = 21;
  const w = randomWeights(rand, k * n);
  const t = ei8.quantizeLog2(w, [k, n], { axis: 1 });
  const cb = ei8.log2ToCodebook(t);
  assert.ok(same(ei8.dequantizeCodebook(cb), ei8.dequantizeLog2(t)));
  assert.equal(Array.from(cb.codebook.centroids.subarray(0, 16)), [0, 1, 2, 4, 8, 16, 32, 64, 0, -1, -2, -4, -8, -16, -32, -64]);
  const packed = ei8.packCodebook(cb);
  const ref = ei8.packWeights(ei8.codebookToQTensor(cb));
  const x = randomWeights(rand, 5 * k);
  forEachKernel((kernel) => assert.ok(same(ei8.codebookMatmulF32(x, [5, k], packed), ei8.matmulF32(x, [5, k], ref)), kernel));
});

// ---------------------------------------------------------------------------- matmuls ----

interface Case {
  k: number;
  n: number;
  m: number;
  layout: 'kn' | 'nk';
  books: 'tensor' | 'channel' | 'group';
  groupSize?: number;
  bits: 4 | 8;
}

function makeCase(rand: () => number, c: Case) {
  const shape = c.layout === 'kn' ? [c.k, c.n] : [c.n, c.k];
  const kAxis = c.layout === 'kn' ? 0 : 1;
  const w = randomWeights(rand, c.k * c.n);
  const opts: ei8.CodebookOptions = { bits: c.bits };
  if (c.books === 'channel') opts.axis = 1 - kAxis;
  if (c.books === 'group') {
    opts.axis = kAxis;
    opts.groupSize = c.groupSize;
  }
  const t = ei8.quantizeCodebook(w, shape, opts);
  return { t, packed: ei8.packCodebook(t, { layout: c.layout }), ref: ei8.packWeights(ei8.codebookToQTensor(t), { layout: c.layout }) };
}

test('codebook matmuls equal decode + matmul bit for bit, on every kernel, for every output kind', async () => {
  const rand = rng(11);
  const cases: Case[] = [];
  for (const bits of [4, 8] as const) {
    for (const layout of ['kn', 'nk'] as const) {
      for (const books of ['tensor', 'channel', 'group'] as const) {
        for (const [m, k, n] of [[1, 16, 1], [3, 33, 9], [17, 64, 13], [5, 257, 40], [2, 130, 6]]) {
          if (bits === 8 && k * n < 256 * (books === 'channel' ? n : 1)) continue; // fewer values than centroids
          const groupSize = [32, 48, 64, 128][randInt(rand, 0, 3)];
          const lastGroup = k - (Math.ceil(k / groupSize) - 1) * groupSize;
          if (books === 'group' && (groupSize < 2 ** bits || lastGroup < 2 ** bits)) continue; // fewer values than centroids
          cases.push({ m, k, n, layout, books, groupSize, bits });
        }
      }
    }
  }
  for (const c of cases) {
    const { packed, ref } = makeCase(rand, c);
    const label = JSON.stringify(c);
    for (const aDtype of ['int8', 'uint8'] as const) {
      const [lo, hi] = aDtype === 'int8' ? [-128, 127] : [0, 255];
      const za = [lo, hi, randInt(rand, lo, hi)][randInt(rand, 0, 2)];
      const data = aDtype === 'int8' ? new Int8Array(c.m * c.k) : new Uint8Array(c.m * c.k);
      for (let i = 0; i < data.length; i++) data[i] = rand() < 0.1 ? (rand() < 0.5 ? lo : hi) : randInt(rand, lo, hi);
      const a: ei8.QTensor = { data, shape: [c.m, c.k], quant: { dtype: aDtype, scale: 0.03, zeroPoint: za } };
      const x = randomWeights(rand, c.m * c.k);
      const bias = Float32Array.from({ length: c.n }, (_, j) => j * 0.1 - 1);
      const ibias = Int32Array.from({ length: c.n }, (_, j) => j * 50 - 400);
      const want = {
        i32: ei8.matmulInt32(a, ref),
        deq: ei8.matmulDequantize(a, ref, { bias }),
        f32: ei8.matmulF32(x, [c.m, c.k], ref, { bias }),
        f32t: ei8.matmulF32(x, [c.m, c.k], ref, { perToken: false }),
      };
      const requant = c.books !== 'group';
      const opts: ei8.MatmulOptions = { output: { scale: 0.4, zeroPoint: -3 }, bias: ibias, clamp: [-100, 120] };
      const optsFixed: ei8.MatmulOptions = { output: { scale: 0.25, zeroPoint: 200, dtype: 'uint8' }, rounding: 'fixedpoint' };
      const wantQ = requant ? ei8.matmul(a, ref, opts).data : null;
      const wantQf = requant ? ei8.matmul(a, ref, optsFixed).data : null;
      const check = (kernel: string) => {
        const where = `${label} a=${aDtype} za=${za} on ${kernel}`;
        assert.ok(same(ei8.codebookMatmulInt32(a, packed), want.i32), `int32 ${where}`);
        assert.ok(same(ei8.codebookMatmulDequantize(a, packed, { bias }), want.deq), `dequantize ${where}`);
        assert.ok(same(ei8.codebookMatmulF32(x, [c.m, c.k], packed, { bias }), want.f32), `f32 per token ${where}`);
        assert.ok(same(ei8.codebookMatmulF32(x, [c.m, c.k], packed, { perToken: false }), want.f32t), `f32 per tensor ${where}`);
        if (requant) {
          assert.ok(same(ei8.codebookMatmul(a, packed, opts).data, wantQ!), `requant float ${where}`);
          assert.ok(same(ei8.codebookMatmul(a, packed, optsFixed).data, wantQf!), `requant fixed point ${where}`);
        }
      };
      forEachKernel(check);
      // Async twins give the same results.
      assert.ok(same(await ei8.codebookMatmulInt32Async(a, packed), want.i32));
      assert.ok(same(await ei8.codebookMatmulDequantizeAsync(a, packed, { bias }), want.deq));
      assert.ok(same(await ei8.codebookMatmulF32Async(x, [c.m, c.k], packed, { bias }), want.f32));
      if (requant) assert.ok(same((await ei8.codebookMatmulAsync(a, packed, opts)).data, wantQ!));
    }
    packed.dispose();
    ref.dispose();
  }
});

test('a large problem split across threads equals the reference', () => {
  const rand = rng(12);
  const { packed, ref } = makeCase(rand, { m: 40, k: 1024, n: 96, layout: 'nk', books: 'group', groupSize: 64, bits: 4 });
  const x = randomWeights(rand, 40 * 1024);
  const want = ei8.matmulF32(x, [40, 1024], ref);
  const threads = ei8.getThreads();
  try {
    for (const t of [1, 2]) {
      ei8.setThreads(t);
      forEachKernel((kernel) => assert.ok(same(ei8.codebookMatmulF32(x, [40, 1024], packed), want), `${kernel} on ${t} threads`));
    }
  } finally {
    ei8.setThreads(threads);
  }
});

test('the kernel follows setIsa: ref runs the reference, the default runs the best kernel', () => {
  const info = ei8.codebookKernels();
  assert.is(info.available[0], 'ref');
  assert.is(info.current, info.available[info.available.length - 1]);
  try {
    ei8.setIsa('ref');
    assert.is(ei8.codebookKernels().current, 'ref');
    ei8.setCodebookKernel('scalar');
    assert.is(ei8.codebookKernels().current, 'scalar', 'a forced kernel wins');
  } finally {
    ei8.setCodebookKernel('auto');
    ei8.setIsa('auto');
  }
});

test('a forced path never runs a codebook kernel above it', () => {
  // The codebook kernels rank by the dense paths' order (cpuInfo().available): avxvnni, which has no
  // kernel of its own, runs avx2's; sse41 its own.
  const available = ei8.cpuInfo().available;
  try {
    for (const dense of available) {
      ei8.setIsa(dense);
      const current = ei8.codebookKernels().current;
      const at = available.indexOf(current);
      assert.ok(at >= 0 && at <= available.indexOf(dense), `${dense}: codebook kernel ${current}`);
      if (dense === 'sse41') assert.is(current, 'sse41');
    }
  } finally {
    ei8.setIsa('auto');
  }
});

test('4-bit codebook weights take about half the memory of int8 weights', () => {
  const rand = rng(13);
  const k = 1024;
  const n = 512;
  const w = randomWeights(rand, k * n);
  const perChannel = ei8.packCodebook(ei8.quantizeCodebook(w, [k, n], { axis: 1 }));
  const grouped = ei8.packCodebook(ei8.quantizeCodebook(w, [k, n], { axis: 0, groupSize: 128 }));
  const int8 = ei8.packWeights(ei8.quantize(w, [k, n], { symmetric: true, axis: 1 }));
  // Indices k * n / 2 bytes; per channel + 20 bytes per column, per group 128 + 24 bytes per group and column.
  assert.ok(perChannel.bytes < 0.52 * int8.bytes, `${perChannel.bytes} vs ${int8.bytes}`);
  assert.ok(grouped.bytes < 0.7 * int8.bytes, `${grouped.bytes} vs ${int8.bytes}`);
  for (const p of [perChannel, grouped, int8]) p.dispose();
});

test('accuracy: 4-bit codebook > 4-bit log2 in SQNR on Gaussian-like weights; int8 > both', () => {
  const rand = rng(14);
  const k = 256;
  const n = 64;
  const w = Float32Array.from({ length: k * n }, () => (rand() + rand() + rand() + rand() - 2) * 0.5);
  const codebook = ei8.quantizationError(w, ei8.quantizeCodebook(w, [k, n], { axis: 1 }));
  const log2 = ei8.quantizationError(w, ei8.quantizeLog2(w, [k, n], { axis: 1 }));
  const int8 = ei8.quantizationError(w, ei8.quantize(w, [k, n], { symmetric: true, axis: 1 }));
  assert.ok(codebook.sqnr > log2.sqnr, `codebook ${codebook.sqnr} dB vs log2 ${log2.sqnr} dB`);
  assert.ok(int8.sqnr > codebook.sqnr, `int8 ${int8.sqnr} dB vs codebook ${codebook.sqnr} dB`);
  assert.ok(codebook.sqnr > 18, `codebook ${codebook.sqnr} dB`);
  assert.ok(codebook.perChannel !== undefined && codebook.perChannel.sqnr.length === n);
});

test('every look-up-table kernel this CPU supports has run (the gate)', () => {
  for (const k of ei8.codebookKernels().available) assert.ok(ei8.codebookKernelCalls(k) > 0, `kernel ${k} never ran`);
});

test.run();
