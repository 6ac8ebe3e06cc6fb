// Loads the installed package (import by name) and checks results against hand-computed values.
// Runs unchanged under Node, Bun and Deno; prints "N passed, N failed".
import * as ei8 from 'edge-int8';

let passed = 0;
let failed = 0;
function check(name, cond) {
  if (cond) passed++;
  else {
    failed++;
    console.log(`FAIL ${name}`);
  }
}
const same = (a, b) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

const runtime = typeof Bun !== 'undefined' ? `bun ${Bun.version}` : typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : `node ${process.version}`;
const info = ei8.cpuInfo();
console.log(`${runtime}: isa ${info.isa} of [${info.available.join(', ')}]`);

// B [K=3, N=2] with per-column zero points; A uint8 with zero point 10 (hand-checked).
const b = ei8.packWeights({ data: Int8Array.from([1, -2, 3, 4, -128, 127]), shape: [3, 2], quant: { dtype: 'int8', scale: Float32Array.from([0.5, 0.5]), zeroPoint: Int32Array.from([1, -1]), axis: 1 } });
const a = { data: Uint8Array.from([255, 0, 10, 1, 2, 3]), shape: [2, 3], quant: { dtype: 'uint8', scale: 1, zeroPoint: 10 } };
check('matmulInt32', same(ei8.matmulInt32(a, b), [-20, -295, 887, -927]));
check('matmulInt32Async', same(await ei8.matmulInt32Async(a, b), [-20, -295, 887, -927]));
// Large enough (4 x 2048 x 64) for the async call to go to a worker thread: every entry is
// 2048 x (1 - 0) x 3 = 6144. Small async calls run inline (the call above).
const big = ei8.packWeights({ data: new Int8Array(2048 * 64).fill(3), shape: [2048, 64], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });
const bigA = { data: new Uint8Array(4 * 2048).fill(1), shape: [4, 2048], quant: { dtype: 'uint8', scale: 1, zeroPoint: 0 } };
check('matmulInt32Async on a worker', (await ei8.matmulInt32Async(bigA, big)).every((v) => v === 6144));
big.dispose();
// -20 * 0.5 / 4 = -2.5 -> -2 ; -295 * 0.125 = -36.875 -> -37 ; 887 * 0.125 = 110.875 -> 111 ; -927 * 0.125 = -115.875 -> -116
const y = ei8.matmul(a, b, { output: { scale: 4, zeroPoint: 0 } });
check('matmul', same(y.data, [-2, -37, 111, -116]));
const q = ei8.quantize(Float32Array.from([0.5, 1.5, -2.5]), [3], { scale: 1, zeroPoint: 0 });
check('quantize', same(q.data, [0, 2, -2]));
try {
  ei8.matmulInt32({ ...a, shape: [3, 2] }, b);
  check('error', false);
} catch (e) {
  check('error', e instanceof RangeError && e.code === 'ERR_EDGE_INT8_INVALID_SHAPE');
}
b.dispose();
console.log(`${passed} passed, ${failed} failed`);
if (failed) process.exitCode = 1;
