/**
 * No input may crash the process. The native layer is called directly here, bypassing the
 * TypeScript validation, with wrong kinds, short buffers, zero/negative/huge dimensions, NaN
 * numbers and foreign objects: every call must return or throw a coded TypeError / RangeError.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { native } from '../ts/native';
import { ei8, rng, throwsWith } from './helpers';

const junk: unknown[] = [
  undefined, null, 0, -1, 1, 2 ** 53, -(2 ** 40), NaN, Infinity, 0.5, '3', true, {}, [], [1, 2],
  new Int8Array(0), new Int8Array(3), new Uint8Array(64), new Int32Array(4), new Float32Array(16), new Float64Array(4),
  new ArrayBuffer(8), Symbol('x'), () => 1,
];

function expectSafe(call: () => unknown): void {
  try {
    call();
  } catch (e) {
    const err = e as Error & { code?: string };
    assert.ok(err instanceof TypeError || err instanceof RangeError, `${err?.name}: ${err?.message}`);
    assert.match(String(err.code), /^ERR_EDGE_INT8_/, err.message);
  }
}

const packedObject = () => native.packWeights(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0);
/** The id the matmul functions take (the object must stay alive: it owns the weights). */
const keep: object[] = [];
const validPacked = () => {
  const p = packedObject();
  keep.push(p);
  return p.id();
};

type NativeFn = (...args: unknown[]) => unknown;
const fns = native as unknown as Record<string, NativeFn>;

test('every native function survives random junk arguments', () => {
  const rand = rng(1234);
  const names = ['chooseQParams', 'quantize', 'dequantize', 'packWeights', 'matmulInt32', 'matmulRequant', 'matmulDequant', 'matmulF32', 'setIsa', 'setThreads', 'isaCalls'];
  const packed = validPacked();
  const pool = [...junk, packed, keep[keep.length - 1]];
  for (const name of names) {
    for (let trial = 0; trial < 400; trial++) {
      const args = Array.from({ length: 17 }, () => pool[Math.floor(rand() * pool.length)]);
      expectSafe(() => fns[name](...args));
    }
  }
  native.setThreads(ei8.getThreads());
  native.setIsa('auto');
});

test('plausible native calls with one argument corrupted at a time', () => {
  const packed = validPacked();
  const good: Record<string, unknown[]> = {
    matmulInt32: [new Int8Array(8), packed, new Int32Array(8), Float64Array.of(0, 0, 2, 4, 0)],
    matmulRequant: [new Int8Array(8), packed, new Int8Array(8), null, Float64Array.of(0, 0, 2, 4, 1, 1, 0, 0, 0, -128, 127, 0)],
    matmulDequant: [new Int8Array(8), packed, new Float32Array(8), null, Float64Array.of(0, 0, 2, 4, 1, 0)],
    matmulF32: [new Float32Array(8), packed, new Float32Array(8), null, Float64Array.of(2, 4, 1, 0)],
    quantize: [new Float32Array(8), 1, 1, 8, 0, 0, new Float32Array(1).fill(1), new Int32Array(1), 0, -128, 127, new Int8Array(8)],
    dequantize: [new Int8Array(8), 0, 1, 1, 8, 0, 0, new Float32Array(1).fill(1), new Int32Array(1), new Float32Array(8)],
    chooseQParams: [new Float32Array(8), 1, 1, 8, 0, 0, 0, false, false, new Float32Array(1), new Int32Array(1)],
    packWeights: [new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0],
  };
  const junkNumbers = [NaN, Infinity, -Infinity, -1, 0.5, 2 ** 31, 2 ** 53, -(2 ** 40), 300, 1e300];
  for (const [name, args] of Object.entries(good)) {
    fns[name](...args); // the uncorrupted call works
    for (let i = 0; i < args.length; i++) {
      for (const j of junk) {
        const bad = args.slice();
        bad[i] = j;
        expectSafe(() => fns[name](...bad));
      }
      // The packed numbers of a matmul call, one at a time.
      if (args[i] instanceof Float64Array) {
        for (let p = 0; p < (args[i] as Float64Array).length; p++) {
          for (const v of junkNumbers) {
            const params = Float64Array.from(args[i] as Float64Array);
            params[p] = v;
            const bad = args.slice();
            bad[i] = params;
            expectSafe(() => fns[name](...bad));
          }
        }
        const bad = args.slice();
        bad[i] = new Float64Array(2); // too few numbers
        expectSafe(() => fns[name](...bad));
      }
    }
  }
});

test('huge and overflowing dimensions are rejected before any memory is touched', () => {
  const packed = validPacked();
  expectSafe(() => native.matmulInt32(new Int8Array(8), packed, new Int32Array(8), Float64Array.of(0, 0, 2 ** 31, 2 ** 31, 0)));
  expectSafe(() => native.matmulInt32(new Int8Array(8), packed, new Int32Array(8), Float64Array.of(0, 0, 2 ** 52, 4, 0)));
  expectSafe(() => native.packWeights(new Int8Array(16), 0, false, 2 ** 32, 2 ** 32, new Int32Array(1), null, 0));
  expectSafe(() => native.quantize(new Float32Array(8), 2 ** 26, 2 ** 26, 2 ** 26, 0, 0, new Float32Array(1), new Int32Array(1), 0, -128, 127, new Int8Array(8)));
  expectSafe(() => native.dequantize(new Int8Array(8), 0, 1, 1, 8, 2, 2 ** 40, new Float32Array(1), new Int32Array(1), new Float32Array(8)));
});

test('a foreign object where PackedWeights belongs is refused', () => {
  class Fake { dispose() {} bytes() { return 0; } layout() { return ''; } }
  expectSafe(() => native.matmulInt32(new Int8Array(8), new Fake() as never, new Int32Array(8), Float64Array.of(0, 0, 2, 4, 0)));
  expectSafe(() => (native.packWeights as unknown as { call: NativeFn }).call(null, new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0));
});

test('a weights id names live weights of its own kind, or nothing', () => {
  const C = ei8.ErrorCodes;
  const call = (fn: string, id: unknown) => () => fns[fn](new Int8Array(8), id, new Int32Array(8), Float64Array.of(0, 0, 2, 4, 0));
  const notPacked = /b must be PackedWeights from packWeights\(\)/;
  const first = packedObject();
  const id = first.id();
  call('matmulInt32', id)();
  // Numbers that are no id: of no slot, of a generation not issued yet, not integers, not numbers.
  for (const bad of [0, -id, id + 0.5, id + 2 ** 40, 2 ** 52, 2 ** 60, NaN, Infinity, String(id), { valueOf: () => id }]) {
    throwsWith(call('matmulInt32', bad), TypeError, C.INVALID_TYPE, notPacked);
  }
  // Weights of another kind.
  const sparse = (fns.packSparse(new Int8Array(16), 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 1, 0, 0, 0, 0, 1) as
    { id(): number });
  const codebook = (fns.codebookPack(new Uint8Array(8), false, 4, 4, new Int8Array(16), Float32Array.of(1), 1, 0) as
    { id(): number });
  throwsWith(call('matmulInt32', sparse.id()), TypeError, C.INVALID_TYPE, notPacked);
  throwsWith(call('matmulInt32', codebook.id()), TypeError, C.INVALID_TYPE, notPacked);
  throwsWith(call('sparseMatmulInt32', id), TypeError, C.INVALID_TYPE, /b must be SparseWeights from packSparse\(\)/);
  throwsWith(call('codebookMatmulInt32', id), TypeError, C.INVALID_TYPE, /b must be CodebookWeights from packCodebook\(\)/);
  call('sparseMatmulInt32', sparse.id())();
  call('codebookMatmulInt32', codebook.id())();
  // Disposed weights: their id stays refused after new weights take their slot.
  first.dispose();
  throwsWith(call('matmulInt32', id), TypeError, C.DISPOSED, /b was disposed/);
  throwsWith(() => first.id(), TypeError, C.DISPOSED);
  const next = packedObject();
  assert.is(next.id() % 2 ** 24, id % 2 ** 24, 'the freed slot is reused');
  assert.ok(next.id() !== id);
  throwsWith(call('matmulInt32', id), TypeError, C.DISPOSED, /b was disposed/);
  call('matmulInt32', next.id())();
  // Many live weights have distinct ids.
  const many = Array.from({ length: 2000 }, packedObject);
  assert.is(new Set(many.map((w) => w.id())).size, many.length);
  for (const w of many) w.dispose();
});

test.run();
