/**
 * TFLite fixed-point requantization as an external oracle. `rounding: 'fixedpoint'` must equal, bit
 * for bit, an independent model written here in BigInt from TFLite's published definitions
 * (tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier, common.h
 * MultiplyByQuantizedMultiplier with the default double rounding, gemmlowp fixedpoint.h
 * SaturatingRoundingDoublingHighMul and RoundingDivideByPOT):
 *
 *   real = double(sa) * double(sb[n]) / double(sy)      (TFLite's per-channel formula, DESIGN.md)
 *   (q, e) = frexp(real);  m = round_half_away(q * 2^31);  if m == 2^31 { m /= 2; e++ };  if e < -31 { m = e = 0 }
 *   y = clamp(RDBPOT(SRDHM(wrap32(acc << max(e, 0)), m), max(-e, 0)) + zy, lo, hi)
 *
 * acc is set exactly through the bias: with K = 1 and A equal to its zero point, acc = bias[n].
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, forEachIsa, randInt, rng } from './helpers';

// ------------------------------------------------------------------- the independent model ----

const TWO31 = 2n ** 31n;
const I32_MIN = -TWO31;
const I32_MAX = TWO31 - 1n;

/** x = M * 2^(E - 53) with M a 53-bit integer whose top bit is set: frexp's q = M / 2^53, exponent E. */
function frexpBits(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074 + 53; // subnormal: normalise
    while (mantissa < 1n << 52n) {
      mantissa <<= 1n;
      exponent--;
    }
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1022;
  }
  return { mantissa, exponent };
}

/** TFLite QuantizeMultiplier for real in (0, 2^30) (beyond, TFLite's double-rounding path is undefined). */
function quantizeMultiplier(real: number): { multiplier: bigint; shift: number } {
  if (real === 0) return { multiplier: 0n, shift: 0 };
  const { mantissa, exponent } = frexpBits(real);
  // q * 2^31 = mantissa / 2^22, rounded half away from zero (std::round; real > 0).
  let qFixed = (mantissa + (1n << 21n)) >> 22n;
  let shift = exponent;
  if (qFixed === TWO31) {
    qFixed /= 2n;
    shift++;
  }
  if (shift < -31) return { multiplier: 0n, shift: 0 };
  return { multiplier: qFixed, shift };
}

/** gemmlowp SaturatingRoundingDoublingHighMul. BigInt division truncates toward zero, as C++ does. */
function srdhm(a: bigint, b: bigint): bigint {
  if (a === b && a === I32_MIN) return I32_MAX;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return (ab + nudge) / TWO31;
}

/** gemmlowp RoundingDivideByPOT: BigInt & and >> act on two's complement, as C++ does on int32. */
function rdbpot(x: bigint, exponent: number): bigint {
  const e = BigInt(exponent);
  const mask = (1n << e) - 1n;
  const remainder = x & mask;
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> e) + (remainder > threshold ? 1n : 0n);
}

/** TFLite MultiplyByQuantizedMultiplier: x * (1 << left_shift) wraps as the compiled code does. */
function multiplyByQuantizedMultiplier(x: bigint, multiplier: bigint, shift: number): bigint {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbpot(srdhm(BigInt.asIntN(32, x << BigInt(left)), multiplier), right);
}

function requantize(acc: bigint, real: number, zy: number, lo: number, hi: number): number {
  const { multiplier, shift } = quantizeMultiplier(real);
  const y = multiplyByQuantizedMultiplier(acc, multiplier, shift) + BigInt(zy);
  return Number(y < BigInt(lo) ? BigInt(lo) : y > BigInt(hi) ? BigInt(hi) : y);
}

// ------------------------------------------------------------------------------- harness ----

interface Column {
  acc: number;
  sb: number;
}

/** One matmul with K = 1, A = its zero point: column n gets accumulator bias[n] and scale sb[n]. */
function run(columns: Column[], sa: number, sy: number, zy: number, dtype: ei8.QDType, clamp?: [number, number]): Map<string, number[]> {
  const n = columns.length;
  const b = ei8.packWeights({
    data: new Int8Array(n).fill(1), shape: [1, n],
    quant: { dtype: 'int8', scale: Float32Array.from(columns, (c) => c.sb), zeroPoint: new Int32Array(n), axis: 1 },
  });
  const a: ei8.QTensor = { data: Int8Array.of(7), shape: [1, 1], quant: { dtype: 'int8', scale: sa, zeroPoint: 7 } };
  const opts: ei8.MatmulOptions = {
    output: { scale: sy, zeroPoint: zy, dtype }, rounding: 'fixedpoint', bias: Int32Array.from(columns, (c) => c.acc), clamp,
  };
  const results = new Map<string, number[]>();
  forEachIsa((isa) => results.set(isa, Array.from(ei8.matmul(a, b, opts).data)));
  b.dispose();
  return results;
}

function expectModel(columns: Column[], sa: number, sy: number, zy: number, dtype: ei8.QDType, clamp?: [number, number], what = ''): void {
  const [tlo, thi] = dtype === 'int8' ? [-128, 127] : [0, 255];
  const [lo, hi] = clamp ?? [tlo, thi];
  const want = columns.map((c) => requantize(BigInt(c.acc), (sa * c.sb) / sy, zy, lo, hi));
  for (const [isa, got] of run(columns, sa, sy, zy, dtype, clamp)) {
    if (got.join() !== want.join()) {
      const j = got.findIndex((v, i) => v !== want[i]);
      assert.unreachable(`${what} on ${isa}: column ${j}: acc ${columns[j].acc}, real ${(sa * columns[j].sb) / sy}, ` +
        `zy ${zy}: got ${got[j]}, TFLite model ${want[j]}`);
    }
  }
}

const f32 = Math.fround;

// ------------------------------------------------------------------------- golden vectors ----

test('golden vectors, worked out by hand from the definitions', () => {
  // [acc, sa, sb, sy, zy, dtype, expected]; the comment shows (multiplier, shift) and the steps.
  const golden: [number, number, number, number, number, ei8.QDType, number, string][] = [
    // real 0.5 -> (2^30, 0). SRDHM rounds half up: 1.5 -> 2, -1.5 -> -1, 2.5 -> 3, -2.5 -> -2.
    [3, 1, 1, 2, 0, 'int8', 2, '3 * 0.5 = 1.5 -> 2'],
    [-3, 1, 1, 2, 0, 'int8', -1, '(-3*2^30 + 1 - 2^30) / 2^31 truncates to -1'],
    [5, 1, 1, 2, 0, 'int8', 3, '2.5 -> 3'],
    [-5, 1, 1, 2, 0, 'int8', -2, '-2.5 -> -2'],
    // real 0.25 -> (2^30, -1): SRDHM then RDBPOT by 1, which rounds half away from zero.
    [6, 1, 1, 4, 0, 'int8', 2, 'SRDHM 3.5 -> 3, then 3 / 2 = 1.5 -> 2'],
    [-6, 1, 1, 4, 0, 'int8', -2, 'SRDHM -3.5 -> -3, then -1.5 -> -2'],
    [2, 1, 1, 4, 0, 'int8', 1, '0.5: SRDHM 1.5 -> 1, then 0.5 -> 1'],
    [-2, 1, 1, 4, 0, 'int8', -1, '-0.5: SRDHM -1.5 -> -1, then -0.5 -> -1'],
    // real 0.375 -> (3 * 2^29, -1): double rounding makes 0.375 -> 1 (a float rounding gives 0).
    [1, 1, 0.375, 1, 0, 'int8', 1, 'SRDHM 1.25 -> 1, then 0.5 -> 1'],
    // real 3 -> (3 * 2^29, 2): the accumulator is shifted left first.
    [10, 3, 1, 1, 0, 'int8', 30, '40 * 0.75 = 30'],
    [-7, 3, 1, 1, 0, 'int8', -21, '-28 * 0.75 = -21'],
    // real 2^-30 -> (2^30, -29), at the ends of int32.
    [-2147483648, 1, 1, 2 ** 30, 0, 'int8', -2, 'SRDHM -2^30 - 0.5 + 2^-31 -> -2^30; / 2^29 = -2'],
    [2147483647, 1, 1, 2 ** 30, 0, 'int8', 2, 'SRDHM exactly 2^30; / 2^29 = 2'],
    // real 2^-40: shift < -31, so TFLite flushes the multiplier to 0 and y = zy.
    [2147483647, 1, 1, 2 ** 40, -3, 'int8', -3, 'multiplier 0'],
    // Zero point after rounding, then saturation.
    [7, 1, 1, 2, 100, 'int8', 104, '3.5 -> 4, + 100'],
    [1000, 1, 1, 2, -100, 'int8', 127, '500 - 100 saturates'],
    [-1000, 1, 1, 2, 10, 'uint8', 0, '-500 + 10 saturates at 0'],
    [300, 1, 1, 2, 200, 'uint8', 255, '150 + 200 saturates at 255'],
  ];
  for (const [acc, sa, sb, sy, zy, dtype, expected, why] of golden) {
    assert.is(requantize(BigInt(acc), (sa * sb) / sy, zy, dtype === 'int8' ? -128 : 0, dtype === 'int8' ? 127 : 255), expected,
      `the model itself: ${why}`);
    for (const [isa, got] of run([{ acc, sb }], sa, sy, zy, dtype)) assert.is(got[0], expected, `${why} on ${isa}`);
  }
});

test('QuantizeMultiplier edges: q rounding up to 2^31, the shift at both ends', () => {
  // 1 - 2^-40: q * 2^31 rounds to 2^31 -> (2^30, shift 1).
  assert.equal(quantizeMultiplier(1 - 2 ** -40), { multiplier: 2n ** 30n, shift: 1 });
  assert.equal(quantizeMultiplier(0.5), { multiplier: 2n ** 30n, shift: 0 });
  assert.equal(quantizeMultiplier(2 ** -32), { multiplier: 2n ** 30n, shift: -31 });
  assert.equal(quantizeMultiplier(2 ** -33), { multiplier: 0n, shift: 0 });
  assert.equal(quantizeMultiplier(0.75), { multiplier: 3n * 2n ** 29n, shift: 0 });
  // The same numbers through matmul: acc 2^20 times each multiplier.
  for (const sy of [1 / (1 - 2 ** -40), 2, 2 ** 32, 2 ** 33, 4 / 3]) {
    const real = 1 / sy;
    expectModel([{ acc: 1 << 20, sb: 1 }, { acc: -(1 << 20) - 1, sb: 1 }, { acc: 255, sb: 1 }], 1, f32(sy), 0, 'int8', undefined, `real ${real}`);
  }
});

// --------------------------------------------------------------------------- random edges ----

/** A float32 scale with log2 uniform in [lo, hi]. */
function logScale(rand: () => number, lo: number, hi: number): number {
  return f32(2 ** (lo + (hi - lo) * rand()));
}

function edgeAcc(rand: () => number): number {
  const r = rand();
  if (r < 0.05) return -2147483648;
  if (r < 0.1) return 2147483647;
  if (r < 0.2) return randInt(rand, -3, 3);
  if (r < 0.35) return (rand() < 0.5 ? -1 : 1) * (2 ** randInt(rand, 0, 30)); // powers of two: ties after shifts
  if (r < 0.5) return (rand() < 0.5 ? -1 : 1) * (2 ** randInt(rand, 1, 30) + 2 ** randInt(rand, 0, 1) * (rand() < 0.5 ? 1 : -1));
  if (r < 0.7) return randInt(rand, -70000, 70000);
  return randInt(rand, -2147483648, 2147483647);
}

test('random accumulators and multipliers: every shift in [-31, 30], ties, negatives, saturation, clamps', () => {
  const rand = rng(99);
  const shifts = new Set<number>();
  for (let trial = 0; trial < 400; trial++) {
    const dtype: ei8.QDType = trial % 3 === 0 ? 'uint8' : 'int8';
    const [lo, hi] = dtype === 'int8' ? [-128, 127] : [0, 255];
    const zy = trial % 4 === 0 ? lo : trial % 4 === 1 ? hi : randInt(rand, lo, hi);
    // Every other trial uses powers of two for sa and sy, so that sb carries short multipliers
    // (0.5, 0.75, 3 * 2^-e, ...) exactly and the accumulators land on exact ties.
    const exactScales = trial % 2 === 0;
    const sa = exactScales ? 2 ** randInt(rand, -20, 5) : logScale(rand, -20, 5);
    const sy = exactScales ? 2 ** randInt(rand, -20, 5) : logScale(rand, -20, 5);
    // Multipliers from 2^-34 (flushed to zero) to just under 2^30; some exactly 0.5, 1 or near them.
    const columns: Column[] = Array.from({ length: randInt(rand, 1, 40) }, () => {
      const c = rand();
      let real = 2 ** (-34 + 63.9 * rand());
      if (c < 0.1) real = 0.5;
      else if (c < 0.2) real = 1;
      else if (c < 0.3) real = 0.5 * (1 + (rand() - 0.5) * 2 ** -20);
      else if (c < 0.5) real = (randInt(rand, 1, 7) / 8) * 2 ** randInt(rand, -30, 29);
      return { acc: edgeAcc(rand), sb: f32((real * sy) / sa) };
    });
    const usable = columns.filter((c) => c.sb > 0 && Number.isFinite(c.sb) && (sa * c.sb) / sy < 2 ** 30);
    if (usable.length === 0) continue;
    for (const c of usable) shifts.add(quantizeMultiplier((sa * c.sb) / sy).shift);
    const clampLo = randInt(rand, lo, hi);
    const clamp: [number, number] | undefined = trial % 5 === 0 ? [clampLo, randInt(rand, clampLo, hi)] : undefined;
    expectModel(usable, sa, sy, zy, dtype, clamp, `trial ${trial}`);
  }
  for (let s = -31; s <= 30; s++) assert.ok(shifts.has(s), `shift ${s} was never exercised`);
});

test('random matmuls: acc from real data plus bias, per-tensor and per-column weights', () => {
  const rand = rng(2718);
  for (let trial = 0; trial < 150; trial++) {
    const m = randInt(rand, 1, 9);
    const k = randInt(rand, 1, 300);
    const n = randInt(rand, 1, 40);
    const aDtype: ei8.QDType = trial % 2 ? 'int8' : 'uint8';
    const bDtype: ei8.QDType = trial % 3 ? 'int8' : 'uint8';
    const outDtype: ei8.QDType = trial % 5 ? 'int8' : 'uint8';
    const [alo, ahi] = aDtype === 'int8' ? [-128, 127] : [0, 255];
    const [blo, bhi] = bDtype === 'int8' ? [-128, 127] : [0, 255];
    const aData = aDtype === 'int8' ? new Int8Array(m * k) : new Uint8Array(m * k);
    const bData = bDtype === 'int8' ? new Int8Array(k * n) : new Uint8Array(k * n);
    for (let i = 0; i < aData.length; i++) aData[i] = randInt(rand, alo, ahi);
    for (let i = 0; i < bData.length; i++) bData[i] = randInt(rand, blo, bhi);
    const za = randInt(rand, alo, ahi);
    const perColumn = trial % 2 === 0;
    const zb = Int32Array.from({ length: perColumn ? n : 1 }, () => randInt(rand, blo, bhi));
    const sb = Float32Array.from({ length: perColumn ? n : 1 }, () => logScale(rand, -12, 0));
    const sa = logScale(rand, -10, 0);
    const sy = f32(sa * sb[0] * Math.sqrt(k) * 2 ** (11 + 4 * rand()));
    const [olo, ohi] = outDtype === 'int8' ? [-128, 127] : [0, 255];
    const zy = randInt(rand, olo, ohi);
    const bias = Int32Array.from({ length: n }, () => (rand() < 0.3 ? randInt(rand, -100000, 100000) : 0));
    const b = ei8.packWeights({
      data: bData, shape: [k, n],
      quant: perColumn ? { dtype: bDtype, scale: sb, zeroPoint: zb, axis: 1 } : { dtype: bDtype, scale: sb[0], zeroPoint: zb[0] },
    });
    const a: ei8.QTensor = { data: aData, shape: [m, k], quant: { dtype: aDtype, scale: sa, zeroPoint: za } };
    const want: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        const z = zb[perColumn ? j : 0];
        for (let kk = 0; kk < k; kk++) acc += (aData[i * k + kk] - za) * (bData[kk * n + j] - z);
        want.push(requantize(BigInt.asIntN(32, BigInt(acc) + BigInt(bias[j])), (sa * sb[perColumn ? j : 0]) / sy, zy, olo, ohi));
      }
    }
    forEachIsa((isa) => {
      const got = Array.from(ei8.matmul(a, b, { output: { scale: sy, zeroPoint: zy, dtype: outDtype }, rounding: 'fixedpoint', bias }).data);
      assert.equal(got, want, `trial ${trial} on ${isa}: M=${m} K=${k} N=${n}`);
    });
    b.dispose();
  }
});

// ------------------------------------------------------------- outside TFLite's definition ----

test('multipliers >= 2^30 saturate to (2^31 - 1, shift 30), as TFLite single-rounding does', () => {
  // TFLite's default (double-rounding) QuantizeMultiplier returns shift > 30 here and its
  // MultiplyByQuantizedMultiplier then shifts an int32 by 31 or more: undefined behaviour. The
  // reference saturates the multiplier instead, as TFLite's single-rounding build does.
  const model = (acc: number) => Number(multiplyByQuantizedMultiplier(BigInt(acc), I32_MAX, 30));
  const accs = [0, 1, -1, 2, -2];
  for (const sy of [2 ** -31, 2 ** -40]) {
    for (const [isa, got] of run(accs.map((acc) => ({ acc, sb: 1 })), 1, sy, 0, 'int8')) {
      assert.equal(got, accs.map((acc) => Math.max(-128, Math.min(127, model(acc)))), `real 1/${sy} on ${isa}`);
    }
  }
});

test("per-tensor weights use TFLite's per-channel formula, double(sa) * double(sb) / double(sy)", () => {
  // TFLite's per-tensor FullyConnected rounds sa * sb to float32 before the division
  // (GetQuantizedConvolutionMultipler); DESIGN.md section 2 and the reference use the double product
  // for every granularity. Find scales where the two formulas give different Q31 multipliers and an
  // accumulator where that changes the output, and show which one the reference follows.
  const rand = rng(5);
  for (let tries = 0; tries < 20000; tries++) {
    const sa = logScale(rand, -8, 0);
    const sb = logScale(rand, -8, 0);
    const sy = logScale(rand, -4, 4);
    const real = (sa * sb) / sy;
    const exact = quantizeMultiplier(real);
    const fc = quantizeMultiplier(f32(sa * sb) / sy);
    if (exact.multiplier === fc.multiplier && exact.shift === fc.shift) continue;
    // The outputs can differ only next to a rounding boundary y = j + 0.5: try accumulators there.
    for (let j = 0; j < 120; j++) {
      const near = Math.round((j + 0.5) / real);
      for (let acc = near - 2; acc <= near + 2; acc++) {
        if (acc <= 0 || acc > 2147483647) continue;
        const yExact = requantize(BigInt(acc), real, -128, -128, 127);
        const yFc = requantize(BigInt(acc), f32(sa * sb) / sy, -128, -128, 127);
        if (yExact === yFc) continue;
        const b = ei8.packWeights({ data: Int8Array.of(1), shape: [1, 1], quant: { dtype: 'int8', scale: sb, zeroPoint: 0 } });
        const a: ei8.QTensor = { data: Int8Array.of(0), shape: [1, 1], quant: { dtype: 'int8', scale: sa, zeroPoint: 0 } };
        forEachIsa((isa) => {
          const y = ei8.matmul(a, b, { output: { scale: sy, zeroPoint: -128 }, rounding: 'fixedpoint', bias: Int32Array.of(acc) });
          assert.is(y.data[0], yExact, `sa ${sa} sb ${sb} sy ${sy} acc ${acc} on ${isa}: FC formula gives ${yFc}`);
        });
        return;
      }
    }
  }
  assert.unreachable('no distinguishing case found');
});

test.run();
