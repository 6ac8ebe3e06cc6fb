/**
 * One named test per error of the quantization toolkit: the kind (TypeError / RangeError), the
 * stable code, and a message with the numbers. Ends with the native codebook functions called with
 * junk: they must throw coded errors, never crash.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { native } from '../ts/native';
import { ei8, qtensor, rng, throwsWith } from './helpers';

const { ErrorCodes: C } = ei8;

const observed = () => {
  const c = ei8.createCalibrator({ axis: 1 });
  c.observe(new Float32Array(6).fill(1), [2, 3]);
  return c;
};

// ------------------------------------------------------------------------------ calibrators ----

test('createCalibrator: unknown method -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ method: 'kl' as never }), RangeError, C.OUT_OF_RANGE, /method must be one of .*got kl/);
});
test('createCalibrator: unknown option -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ percentil: 99 } as never), RangeError, C.OUT_OF_RANGE, /unknown option 'percentil'/);
});
test('createCalibrator: percentile outside (0, 100] -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ method: 'percentile', percentile: 0 }), RangeError, C.OUT_OF_RANGE, /percentile \(0\)/);
  throwsWith(() => ei8.createCalibrator({ method: 'percentile', percentile: 100.5 }), RangeError, C.OUT_OF_RANGE, /100.5/);
  throwsWith(() => ei8.createCalibrator({ method: 'percentile', percentile: NaN }), RangeError, C.NON_FINITE);
});
test('createCalibrator: bins odd or outside [16, 2^20] -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ bins: 101 }), RangeError, C.OUT_OF_RANGE, /bins \(101\) must be even/);
  throwsWith(() => ei8.createCalibrator({ bins: 8 }), RangeError, C.OUT_OF_RANGE, /bins \(8\)/);
});
test('createCalibrator: entropyLevels above bins -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ method: 'entropy', bins: 64, entropyLevels: 128 }), RangeError, C.OUT_OF_RANGE,
    /entropyLevels \(128\) must not exceed bins \(64\)/);
});
test('createCalibrator: averagingConstant outside (0, 1] -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ method: 'moving-average', averagingConstant: 0 }), RangeError, C.OUT_OF_RANGE, /averagingConstant \(0\)/);
});
test('observe: x of the wrong kind -> TypeError', () => {
  throwsWith(() => ei8.createCalibrator().observe(new Float64Array(3) as unknown as Float32Array), TypeError, C.INVALID_TYPE,
    /x must be a Float32Array, got Float64Array/);
});
test('observe: an empty batch -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator().observe(new Float32Array(0)), RangeError, C.EMPTY, /empty batch/);
  throwsWith(() => ei8.createCalibrator({ axis: 0 }).observe(new Float32Array(0), [0, 4]), RangeError, C.EMPTY);
});
test('observe: NaN or Infinity -> RangeError naming the first index, and the calibrator is unchanged', () => {
  for (const method of ['minmax', 'moving-average', 'percentile', 'mse', 'entropy'] as const) {
    const c = ei8.createCalibrator({ method });
    c.observe(Float32Array.from([1, -1]));
    throwsWith(() => c.observe(Float32Array.from([0, 5, NaN, Infinity])), RangeError, C.NON_FINITE, /x\[2\] is NaN/);
    throwsWith(() => c.observe(Float32Array.from([-Infinity])), RangeError, C.NON_FINITE, /x\[0\] is -Infinity/);
    assert.is(c.batches, 1, method);
    const p = c.params();
    assert.ok(Number.isFinite(p.scale as number) && (p.scale as number) > 0, method);
  }
});
test('observe: x.length does not match the shape -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator().observe(new Float32Array(5), [2, 3]), RangeError, C.INVALID_LENGTH, /x.length \(5\) != 6/);
});
test('observe: per channel without a shape -> TypeError', () => {
  throwsWith(() => ei8.createCalibrator({ axis: 1 }).observe(new Float32Array(4)), TypeError, C.INVALID_TYPE, /shape is required/);
});
test('observe: a channel count different from the first batch -> RangeError', () => {
  const c = observed();
  throwsWith(() => c.observe(new Float32Array(8), [2, 4]), RangeError, C.INVALID_SHAPE, /4 channels along axis 1, earlier batches had 3/);
});
test('observe: the axis outside the batch shape -> RangeError', () => {
  throwsWith(() => ei8.createCalibrator({ axis: 2 }).observe(new Float32Array(4), [2, 2]), RangeError, C.OUT_OF_RANGE, /axis \(2\)/);
});
test('params / range / absMax before any batch -> RangeError', () => {
  const c = ei8.createCalibrator({ method: 'entropy' });
  throwsWith(() => c.params(), RangeError, C.EMPTY, /no data observed/);
  throwsWith(() => c.range(), RangeError, C.EMPTY);
  throwsWith(() => c.absMax(), RangeError, C.EMPTY);
});
test('params: a bad dtype -> RangeError', () => {
  throwsWith(() => observed().params({ dtype: 'int4' as never }), RangeError, C.OUT_OF_RANGE, /'int8' or 'uint8', got 'int4'/);
});

// -------------------------------------------------------------------------- codebooks, log2 ----

test('quantizeCodebook: k larger than the values of a codebook -> RangeError', () => {
  throwsWith(() => ei8.quantizeCodebook(new Float32Array(10), [10]), RangeError, C.OUT_OF_RANGE,
    /k \(16 centroids for 4-bit indices\) is larger than the number of values \(10\) in codebook 0/);
  throwsWith(() => ei8.quantizeCodebook(new Float32Array(200), [200], { bits: 8 }), RangeError, C.OUT_OF_RANGE, /k \(256/);
  // Groups of 32 along K = 40: the last group has 8 values per column.
  throwsWith(() => ei8.quantizeCodebook(new Float32Array(40 * 3), [40, 3], { axis: 0, groupSize: 32 }), RangeError, C.OUT_OF_RANGE,
    /number of values \(8\) in codebook 3/);
});
test('quantizeCodebook: NaN or Infinity -> RangeError naming the index', () => {
  const x = new Float32Array(64);
  x[40] = -Infinity;
  throwsWith(() => ei8.quantizeCodebook(x, [64]), RangeError, C.NON_FINITE, /x\[40\] is -Infinity/);
});
test('quantizeCodebook / quantizeLog2: bits other than 4 and 8 -> RangeError (TypeError if not a number)', () => {
  throwsWith(() => ei8.quantizeCodebook(new Float32Array(64), [64], { bits: 3 as never }), RangeError, C.OUT_OF_RANGE, /bits must be 4 or 8, got 3/);
  throwsWith(() => ei8.quantizeLog2(new Float32Array(4), [4], { bits: '4' as never }), TypeError, C.INVALID_TYPE);
});
test('quantizeLog2: NaN -> RangeError naming the index', () => {
  throwsWith(() => ei8.quantizeLog2(Float32Array.from([1, NaN]), [2]), RangeError, C.NON_FINITE, /x\[1\] is NaN/);
});
test('log2ToCodebook: 8-bit codes -> RangeError', () => {
  const t = ei8.quantizeLog2(Float32Array.from([1, 2]), [2], { bits: 8 });
  throwsWith(() => ei8.log2ToCodebook(t), RangeError, C.OUT_OF_RANGE, /only 4-bit codes/);
});
test('dequantizeLog2: maxExponent outside [-143, 127] -> RangeError', () => {
  const t = ei8.quantizeLog2(Float32Array.from([1, 2]), [2]);
  throwsWith(() => ei8.dequantizeLog2({ ...t, maxExponent: 300 }), RangeError, C.OUT_OF_RANGE, /maxExponent \(300\)/);
});

function smallCodebook(): ei8.CodebookTensor {
  return ei8.quantizeCodebook(Float32Array.from({ length: 32 * 4 }, (_, i) => Math.sin(i)), [32, 4], { axis: 1 });
}

test('packCodebook: indices of the wrong length -> RangeError', () => {
  const t = smallCodebook();
  throwsWith(() => ei8.packCodebook({ ...t, indices: new Uint8Array(10) }), RangeError, C.INVALID_LENGTH, /indices.length \(10\) != 64/);
});
test('packCodebook: centroids of the wrong kind -> TypeError', () => {
  const t = smallCodebook();
  throwsWith(() => ei8.packCodebook({ ...t, codebook: { ...t.codebook, centroids: new Uint8Array(64) as never } }), TypeError, C.INVALID_TYPE,
    /centroids must be an Int8Array, got Uint8Array/);
});
test('packCodebook: a scale that is 0 or not finite -> RangeError', () => {
  const t = smallCodebook();
  const scale = t.codebook.scale.slice();
  scale[2] = 0;
  throwsWith(() => ei8.packCodebook({ ...t, codebook: { ...t.codebook, scale } }), RangeError, C.OUT_OF_RANGE, /scale\[2\] \(0\)/);
  scale[2] = NaN;
  throwsWith(() => ei8.packCodebook({ ...t, codebook: { ...t.codebook, scale } }), RangeError, C.NON_FINITE, /scale\[2\]/);
});
test('packCodebook: per-channel books along K -> RangeError', () => {
  const t = smallCodebook();
  throwsWith(() => ei8.packCodebook(t, { layout: 'nk' }), RangeError, C.INVALID_SHAPE, /along the N axis \(0 for 'nk'\), got axis 1/);
});
test('codebook matmuls: b is not CodebookWeights -> TypeError', () => {
  const w = ei8.packWeights({ data: new Int8Array(32 * 4), shape: [32, 4], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
  throwsWith(() => ei8.codebookMatmulInt32(qtensor(new Int8Array(32), [1, 32], 1, 0), w as never), TypeError, C.INVALID_TYPE,
    /b must be CodebookWeights from packCodebook\(\)/);
});
test('codebook matmuls: used after dispose() -> TypeError naming CodebookWeights, 4 and 8 bits', () => {
  const w = Float32Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i));
  for (const b of [ei8.packCodebook(smallCodebook()), ei8.packCodebook(ei8.quantizeCodebook(w, [64, 8], { bits: 8 }))]) {
    b.dispose();
    b.dispose();
    assert.ok(b.disposed);
    throwsWith(() => ei8.codebookMatmulInt32(qtensor(new Int8Array(b.k), [1, b.k], 1, 0), b), TypeError, C.DISPOSED,
      /CodebookWeights used after dispose/);
    throwsWith(() => b.bytes, TypeError, C.DISPOSED, /CodebookWeights used after dispose/);
  }
});
test('codebook matmuls: a.shape[-1] != b.k -> RangeError', () => {
  const b = ei8.packCodebook(smallCodebook());
  throwsWith(() => ei8.codebookMatmulInt32(qtensor(new Int8Array(31), [1, 31], 1, 0), b), RangeError, C.INVALID_SHAPE, /a.shape\[1\] \(31\) != b.k \(32\)/);
  throwsWith(() => ei8.codebookMatmulF32(new Float32Array(30), [1, 30], b), RangeError, C.INVALID_SHAPE, /shape\[1\] \(30\) != b.k \(32\)/);
});
test('codebookMatmul: grouped codebooks have no requantized output -> RangeError', () => {
  const t = ei8.quantizeCodebook(Float32Array.from({ length: 64 * 2 }, (_, i) => Math.cos(i)), [64, 2], { axis: 0, groupSize: 32 });
  const b = ei8.packCodebook(t);
  throwsWith(() => ei8.codebookMatmul(qtensor(new Int8Array(64), [1, 64], 1, 0), b, { output: { scale: 1, zeroPoint: 0 } }), RangeError,
    C.INVALID_SHAPE, /per-group scales/);
});
test('codebookMatmulF32: NaN in a -> RangeError naming the index', () => {
  const b = ei8.packCodebook(smallCodebook());
  const a = new Float32Array(64);
  a[37] = NaN;
  throwsWith(() => ei8.codebookMatmulF32(a, [2, 32], b), RangeError, C.NON_FINITE, /a\[37\]/);
});
test('codebook matmuls: K beyond the exact int32 bound -> RangeError', () => {
  const k = Math.floor((2 ** 31 - 1) / (255 * 128)) + 1;
  const t: ei8.CodebookTensor = {
    indices: new Uint8Array(Math.ceil(k / 2)), bits: 4, shape: [k, 1],
    codebook: { centroids: new Int8Array(16), scale: Float32Array.of(1) },
  };
  const b = ei8.packCodebook(t);
  throwsWith(() => ei8.codebookMatmulInt32(qtensor(new Uint8Array(k), [1, k], 1, 0), b), RangeError, C.K_TOO_LARGE, new RegExp(`k \\(${k}\\) exceeds ${k - 1}`));
});
test('setCodebookKernel: an unknown kernel -> RangeError', () => {
  throwsWith(() => ei8.setCodebookKernel('neon-avx'), RangeError, C.UNKNOWN_ISA, /'neon-avx' is not available here/);
});

// -------------------------------------------------------------------- presets, metrics, smooth ----

test('quantizeWeights: an unknown preset, or an option that does not apply -> RangeError', () => {
  throwsWith(() => ei8.quantizeWeights(new Float32Array(4), [2, 2], 'gguf' as never), RangeError, C.OUT_OF_RANGE, /preset must be one of/);
  throwsWith(() => ei8.quantizeWeights(new Float32Array(4), [2, 2], 'tflite', { groupSize: 32 }), RangeError, C.OUT_OF_RANGE,
    /'groupSize' does not apply to the 'tflite' preset/);
});
test('quantizeWeights: weights that are not 2-D -> RangeError', () => {
  throwsWith(() => ei8.quantizeWeights(new Float32Array(8), [2, 2, 2], 'onnx'), RangeError, C.INVALID_SHAPE, /2-D, got \[2, 2, 2\]/);
});
test('tfliteBias: a scale that is not > 0, scales of the wrong length, NaN bias -> RangeError', () => {
  throwsWith(() => ei8.tfliteBias(new Float32Array(2), 0, 1), RangeError, C.OUT_OF_RANGE, /inputScale \(0\) must be > 0/);
  throwsWith(() => ei8.tfliteBias(new Float32Array(2), 1, new Float32Array(3)), RangeError, C.INVALID_LENGTH, /weightScale.length \(3\) != 2/);
  throwsWith(() => ei8.tfliteBias(Float32Array.from([0, NaN]), 1, 1), RangeError, C.NON_FINITE, /bias\[1\]/);
});
test('quantizationError: q of another size -> RangeError', () => {
  throwsWith(() => ei8.quantizationError(new Float32Array(3), new Float32Array(4)), RangeError, C.INVALID_LENGTH, /q has 4 values, x has 3/);
});
test('quantizationError: an axis for a Float32Array without a shape -> TypeError', () => {
  throwsWith(() => ei8.quantizationError(new Float32Array(4), new Float32Array(4), { axis: 0 }), TypeError, C.INVALID_TYPE, /needs opts.shape/);
});
test('smooth: alpha outside [0, 1] -> RangeError', () => {
  throwsWith(() => ei8.smooth({ data: new Float32Array(4), shape: [2, 2] }, new Float32Array(2), 1.5), RangeError, C.OUT_OF_RANGE, /alpha \(1.5\)/);
});
test('smooth: activationAbsMax of the wrong length, negative or NaN -> RangeError', () => {
  const w = { data: new Float32Array(6), shape: [3, 2] as [number, number] };
  throwsWith(() => ei8.smooth(w, new Float32Array(2)), RangeError, C.INVALID_LENGTH, /activationAbsMax.length \(2\) != 3/);
  throwsWith(() => ei8.smooth(w, Float32Array.from([1, -1, 1])), RangeError, C.OUT_OF_RANGE, /activationAbsMax\[1\] \(-1\)/);
  throwsWith(() => ei8.smooth(w, Float32Array.from([1, 1, NaN])), RangeError, C.NON_FINITE, /activationAbsMax\[2\]/);
});
test('smoothActivations: a scale that is not > 0 -> RangeError', () => {
  throwsWith(() => ei8.smoothActivations(new Float32Array(4), [2, 2], Float32Array.from([1, 0])), RangeError, C.OUT_OF_RANGE, /scales\[1\] \(0\)/);
});

// ------------------------------------------------------------------------- native robustness ----

const junk: unknown[] = [
  undefined, null, 0, -1, 1, 2 ** 53, NaN, Infinity, 0.5, '3', true, {}, [], new Int8Array(0), new Int8Array(16),
  new Uint8Array(64), new Int32Array(4), new Float32Array(16), new Float64Array(4), new ArrayBuffer(8), () => 1,
];

test('every native codebook function survives random junk arguments', () => {
  const fns = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  const valid = fns.codebookPack(new Uint8Array(8), false, 4, 4, new Int8Array(16), Float32Array.of(1), 1, 0);
  const pool = [...junk, valid, (valid as { id(): number }).id()];
  const rand = rng(77);
  const names = ['codebookPack', 'codebookMatmulInt32', 'codebookMatmulRequant', 'codebookMatmulDequant', 'codebookMatmulF32',
    'setCodebookKernel', 'codebookKernelCalls', 'codebookKernels'];
  for (const name of names) {
    for (let trial = 0; trial < 400; trial++) {
      const args = Array.from({ length: 17 }, () => pool[Math.floor(rand() * pool.length)]);
      try {
        fns[name](...args);
      } catch (e) {
        const err = e as Error & { code?: string };
        assert.ok(err instanceof TypeError || err instanceof RangeError, `${name}: ${err?.name}: ${err?.message}`);
        assert.match(String(err.code), /^ERR_EDGE_INT8_/, err.message);
      }
    }
  }
  native.setIsa('auto');
  fns.setCodebookKernel('auto');
  // The codebook class cannot be constructed from script, even with an External in hand.
  const ctor = (valid as { constructor: new (...a: unknown[]) => unknown }).constructor;
  throwsWith(() => new ctor({}), TypeError, C.INVALID_TYPE, /cannot be constructed directly/);
});

test.run();
