/** One named test per sparse / pruning error (kind, stable code, message), and no-crash checks on the native layer. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { native } from '../ts/native';
import { ei8, qtensor, rng, throwsWith } from './helpers';

const { ErrorCodes: C } = ei8;

const Q = (data: Int8Array, shape: number[], zeroPoint = 0): ei8.QTensor => ({ data, shape, quant: { dtype: 'int8', scale: 0.1, zeroPoint } });

test('packSparse: weights that break the requested N:M -> RangeError PATTERN_MISMATCH naming the group', () => {
  const w = new Int8Array(8 * 2); // [K=8, N=2]
  w[0] = 1; w[2] = 1; w[4] = 1; // column 0 has three non-zeros in k 0..3
  throwsWith(() => ei8.packSparse(Q(w, [8, 2]), { nm: [2, 4] }), RangeError, C.PATTERN_MISMATCH, /output channel 0 .* k 0\.\.3/);
});
test('packSparse: unsupported N:M -> RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { nm: [3, 4] }), RangeError, C.OUT_OF_RANGE, /3, 4/);
});
test('packSparse: block larger than 16 x 64 -> RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { block: [17, 1] }), RangeError, C.OUT_OF_RANGE, /17, 1/);
});
test('packSparse: block not a pair of positive integers -> TypeError / RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { block: 4 as never }), TypeError, C.INVALID_TYPE, /block/);
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { block: [0, 4] }), RangeError, C.OUT_OF_RANGE, /block\[0\]/);
});
test("packSparse: format 'bsr' without block -> TypeError; block with another format -> RangeError", () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { format: 'bsr' }), TypeError, C.INVALID_TYPE, /block/);
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { format: 'csr', block: [1, 4] }), RangeError, C.OUT_OF_RANGE);
});
test('packSparse: unknown format or option -> RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { format: 'coo' as never }), RangeError, C.OUT_OF_RANGE, /coo/);
  throwsWith(() => ei8.packSparse(Q(new Int8Array(16), [8, 2]), { blocks: [1, 4] } as never), RangeError, C.OUT_OF_RANGE, /blocks/);
});
test("packSparse: rows not a positive integer, or with a format other than 'auto' -> TypeError / RangeError", () => {
  const w = Q(new Int8Array(16), [8, 2]);
  throwsWith(() => ei8.packSparse(w, { rows: 0 }), RangeError, C.OUT_OF_RANGE, /rows \(0\) must be an integer in \[1, 2147483647\]/);
  throwsWith(() => ei8.packSparse(w, { rows: 2.5 }), RangeError, C.OUT_OF_RANGE, /rows \(2.5\)/);
  throwsWith(() => ei8.packSparse(w, { rows: 2 ** 31 }), RangeError, C.OUT_OF_RANGE, /rows/);
  throwsWith(() => ei8.packSparse(w, { rows: '8' as never }), TypeError, C.INVALID_TYPE, /rows/);
  throwsWith(() => ei8.packSparse(w, { format: 'csr', rows: 8 }), RangeError, C.OUT_OF_RANGE, /rows applies to format 'auto'/);
});
test('packSparse: w - zeroPoint outside int8 -> RangeError naming the weight', () => {
  const w = new Int8Array(8).fill(-128);
  throwsWith(() => ei8.packSparse(Q(w, [4, 2], 100)), RangeError, C.OUT_OF_RANGE, /-228 at k 0, column 0/);
});
test('packSparse: per-group weights -> RangeError', () => {
  const w: ei8.QTensor = { data: new Int8Array(8), shape: [4, 2], quant: { dtype: 'int8', scale: new Float32Array(4).fill(1), zeroPoint: new Int32Array(4), axis: 0, groupSize: 2 } };
  throwsWith(() => ei8.packSparse(w), RangeError, C.INVALID_SHAPE, /per-group/);
});
test('packSparse: not 2-D -> RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(8), [2, 2, 2])), RangeError, C.INVALID_SHAPE, /2-D/);
});
test('packSparse: K beyond 16-bit CSR indices -> RangeError', () => {
  throwsWith(() => ei8.packSparse(Q(new Int8Array(70000), [70000, 1]), { format: 'csr' }), RangeError, C.INVALID_SHAPE, /65536/);
});
test('matmul with SparseWeights: a.shape[-1] != b.k -> RangeError with both numbers', () => {
  const s = ei8.packSparse(Q(new Int8Array(16), [8, 2]), { format: 'csr' });
  throwsWith(() => ei8.matmulInt32(qtensor(new Int8Array(7), [1, 7], 1, 0), s), RangeError, C.INVALID_SHAPE, /\(7\) != b.k \(8\)/);
});
test('matmul with SparseWeights: K beyond the exact int32 bound -> RangeError', () => {
  const k = 33026;
  const s = ei8.packSparse({ data: new Uint8Array(k).fill(255), shape: [k, 1], quant: { dtype: 'uint8', scale: 1, zeroPoint: 255 } }, { format: 'csr' });
  const b = ei8.packSparse({ data: new Int8Array(k), shape: [k, 1], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }, { format: 'csr' });
  assert.is(ei8.maxExactK('uint8', 0, b), Math.floor((2 ** 31 - 1) / (255 * 128)));
  throwsWith(() => ei8.matmulInt32(qtensor(new Uint8Array(k), [1, k], 1, 0), s), RangeError, C.K_TOO_LARGE, /k \(33026\) exceeds/);
});
test('matmul: b neither PackedWeights nor SparseWeights -> TypeError', () => {
  throwsWith(() => ei8.matmulInt32(qtensor(new Int8Array(8), [1, 8], 1, 0), { k: 8, n: 2 } as never), TypeError, C.INVALID_TYPE, /SparseWeights/);
});
test('prune: w of the wrong kind or length -> TypeError / RangeError', () => {
  throwsWith(() => ei8.prune(new Float64Array(4) as never, [2, 2], { sparsity: 0.5 }), TypeError, C.INVALID_TYPE, /w must be a Float32Array/);
  throwsWith(() => ei8.prune(new Float32Array(3), [2, 2], { sparsity: 0.5 }), RangeError, C.INVALID_LENGTH, /w.length \(3\) != 4/);
});
test('prune: NaN in w or gradient -> RangeError naming the index', () => {
  throwsWith(() => ei8.prune(Float32Array.from([0, NaN, 1, 1]), [2, 2], { sparsity: 0.5 }), RangeError, C.NON_FINITE, /w\[1\]/);
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 0.5, method: 'importance', gradient: Float32Array.from([0, 0, Infinity, 0]) }),
    RangeError, C.NON_FINITE, /gradient\[2\]/);
});
test('prune: sparsity missing or outside [0, 1] -> TypeError / RangeError', () => {
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2]), TypeError, C.INVALID_TYPE, /sparsity/);
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 1.5 }), RangeError, C.OUT_OF_RANGE, /sparsity \(1.5\)/);
});
test("prune: 'importance' without a gradient -> TypeError", () => {
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 0.5, method: 'importance' }), TypeError, C.INVALID_TYPE, /gradient/);
});
test('prune: unknown pattern, method or scope -> RangeError', () => {
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 0.5, pattern: 'diagonal' }), RangeError, C.OUT_OF_RANGE, /diagonal/);
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 0.5, method: 'random' as never }), RangeError, C.OUT_OF_RANGE, /random/);
  throwsWith(() => ei8.prune(new Float32Array(4), [2, 2], { sparsity: 0.5, scope: 'global' as never }), RangeError, C.OUT_OF_RANGE, /pruneGlobal/);
});
test('prune: N:M with a contradicting sparsity -> RangeError', () => {
  throwsWith(() => ei8.prune(new Float32Array(8), [4, 2], { pattern: '2:4', sparsity: 0.9 }), RangeError, C.OUT_OF_RANGE, /2:4/);
});
test('pruneGlobal: N:M, empty list -> errors', () => {
  throwsWith(() => ei8.pruneGlobal([{ weights: new Float32Array(4), shape: [2, 2] }], { pattern: '2:4' }), RangeError, C.OUT_OF_RANGE, /N:M/);
  throwsWith(() => ei8.pruneGlobal([], { sparsity: 0.5 }), TypeError, C.INVALID_TYPE);
});

// ---------------------------------------------------------------------------- no crash ----

const junk: unknown[] = [
  undefined, null, 0, -1, 1, 7, 2 ** 53, NaN, Infinity, 0.5, '3', true, {}, [], [1, 2],
  new Int8Array(0), new Int8Array(3), new Uint8Array(64), new Int32Array(4), new Float32Array(16), new Float64Array(4),
  new ArrayBuffer(8), Symbol('x'), () => 1,
];

function expectSafe(call: () => unknown): void {
  try {
    const r = call();
    if (r instanceof Promise) r.catch(() => undefined);
  } catch (e) {
    const err = e as Error & { code?: string };
    assert.ok(err instanceof TypeError || err instanceof RangeError, `${err?.name}: ${err?.message}`);
    assert.match(String(err.code), /^ERR_EDGE_INT8_/, err.message);
  }
}

type NativeFn = (...args: unknown[]) => unknown;
const fns = native as unknown as Record<string, NativeFn>;

test('every native sparse function survives random junk arguments', () => {
  const rand = rng(99);
  const sparse = fns.packSparse(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 1, 0, 0, 0, 0, 1) as { id(): number };
  const packed = native.packWeights(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0);
  const pool = [...junk, sparse, packed, sparse.id(), packed.id()];
  for (const name of ['packSparse', 'sparseMatmulInt32', 'sparseMatmulRequant', 'sparseMatmulDequant', 'sparseMatmulF32', 'sparseIsaCalls']) {
    for (let trial = 0; trial < 400; trial++) {
      const args = Array.from({ length: 17 }, () => pool[Math.floor(rand() * pool.length)]);
      expectSafe(() => fns[name](...args));
    }
  }
});

test('native sparse matmul: short buffers, wrong weights kind, huge dimensions', () => {
  const sparse = fns.packSparse(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 3, 0, 0, 2, 4, 0) as { id(): number };
  const packed = native.packWeights(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0);
  const params = (m: number, k: number) => Float64Array.of(0, 0, m, k, 0);
  expectSafe(() => fns.sparseMatmulInt32(new Int8Array(4), sparse.id(), new Int32Array(8), params(2, 4)));
  expectSafe(() => fns.sparseMatmulInt32(new Int8Array(8), sparse.id(), new Int32Array(7), params(2, 4)));
  expectSafe(() => fns.sparseMatmulInt32(new Int8Array(8), packed.id(), new Int32Array(8), params(2, 4)));
  expectSafe(() => fns.sparseMatmulInt32(new Int8Array(8), sparse.id(), new Int32Array(8), params(2 ** 40, 2 ** 40)));
  expectSafe(() => fns.sparseMatmulInt32(new Int8Array(8), sparse.id(), new Int32Array(8), params(2, 3)));
  expectSafe(() => fns.packSparse(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 3, 0, 0, 3, 4, 0));
  expectSafe(() => fns.packSparse(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 2, 99, 1, 0, 0, 0));
  expectSafe(() => fns.packSparse(new Int8Array(15), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0, 0, 0, 0, 0, 0));
  // And the dense functions refuse sparse weights (and the reverse) without crashing.
  expectSafe(() => native.matmulInt32(new Int8Array(8), sparse.id(), new Int32Array(8), params(2, 4)));
});

test.run();
