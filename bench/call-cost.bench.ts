/**
 * The cost of one call at small shapes, where it is the whole story (per-call overhead at the edge):
 * microseconds per call of every matmul function from JS, sync with `out` given, on one thread
 * (benchmark.js; median of --repeats). Dense, sparse (one weight in four kept) and 4-bit codebook
 * weights; then the Async variants on dense weights, each call awaited before the next (at this
 * size they run inline and return a settled promise). With --loop, each timing is a plain loop of
 * 300 000 calls instead of benchmark.js's (whose own loop adds about 0.1 us a call): for comparing
 * two builds in alternating processes.
 *
 *   node --import tsx bench/call-cost.bench.ts [--shape 16x16x16] [--repeats 5] [--loop]
 * To compare two builds, run the same script in a worktree of each (it loads ../dist).
 */
import * as ei8 from '../dist/index';
import { envLine, lcg, median, timeAsync, timeSync, writeResults } from './common';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const [M, K, N] = option('shape', '16x16x16').split('x').map(Number);
const repeats = Number(option('repeats', '5'));
const loop = args.includes('--loop');

/** Seconds a call: benchmark.js, or with --loop the mean over a plain loop of 300 000 calls. */
function secondsPerCall(name: string, call: () => unknown): number {
  if (!loop) return timeSync(name, call, 0.2);
  const calls = 300_000;
  call();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call();
  return Number(process.hrtime.bigint() - t0) / 1e9 / calls;
}

/** secondsPerCall of a call that returns a promise, each awaited before the next. */
async function secondsPerAwaitedCall(name: string, call: () => Promise<unknown>): Promise<number> {
  if (!loop) return timeAsync(name, call, 0.2);
  const calls = 300_000;
  await call();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  return Number(process.hrtime.bigint() - t0) / 1e9 / calls;
}

const rand = lcg(7);
const wData = Int8Array.from({ length: K * N }, () => Math.floor(rand() * 255) - 127);
const wq: ei8.QTensor = { data: wData, shape: [K, N], quant: { dtype: 'int8', scale: 0.01, zeroPoint: 0 } };
const dense = ei8.packWeights(wq);
const sparse = ei8.packSparse({ ...wq, data: wData.map((v, i) => (i % 4 === 0 ? v : 0)) });
const wf = Float32Array.from({ length: K * N }, () => rand() - 0.5);
const codebook = ei8.packCodebook(ei8.quantizeCodebook(wf, [K, N], { bits: 4 }));
const a: ei8.QTensor = {
  data: Uint8Array.from({ length: M * K }, () => Math.floor(rand() * 256)), shape: [M, K],
  quant: { dtype: 'uint8', scale: 0.02, zeroPoint: 128 },
};
const x = Float32Array.from({ length: M * K }, () => rand() - 0.5);
const o32 = new Int32Array(M * N), o8 = new Int8Array(M * N), of = new Float32Array(M * N);
const requant = { output: { scale: 0.5, zeroPoint: 0 }, out: o8 };

const calls: [string, () => unknown][] = [
  ['matmulInt32', () => ei8.matmulInt32(a, dense, o32)],
  ['matmul (int8 out)', () => ei8.matmul(a, dense, requant)],
  ['matmulDequantize', () => ei8.matmulDequantize(a, dense, { out: of })],
  ['matmulF32', () => ei8.matmulF32(x, [M, K], dense, { out: of })],
  ['matmulInt32, SparseWeights', () => ei8.matmulInt32(a, sparse, o32)],
  ['codebookMatmulF32, 4-bit', () => ei8.codebookMatmulF32(x, [M, K], codebook, { out: of })],
];
const asyncCalls: [string, () => Promise<unknown>][] = [
  ['matmulInt32Async', () => ei8.matmulInt32Async(a, dense, o32)],
  ['matmulAsync (int8 out)', () => ei8.matmulAsync(a, dense, requant)],
  ['matmulF32Async', () => ei8.matmulF32Async(x, [M, K], dense, { out: of })],
];

async function main(): Promise<void> {
  ei8.setThreads(1);
  console.log(envLine());
  console.log(`\nshape ${M}x${K}x${N}, one thread, out given${loop ? ', plain loop' : ''}\n\n| call | µs |\n|---|---:|`);
  const rows: { call: string; shape: string; us: number }[] = [];
  const report = (name: string, seconds: number[]) => {
    const us = 1e6 * median(seconds);
    rows.push({ call: name, shape: `${M}x${K}x${N}`, us });
    console.log(`| ${name} | ${us.toFixed(3)} |`);
  };
  for (const [name, call] of calls) report(name, Array.from({ length: repeats }, () => secondsPerCall(name, call)));
  for (const [name, call] of asyncCalls) {
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) seconds.push(await secondsPerAwaitedCall(name, call));
    report(name, seconds);
  }
  console.log(`\nresults: ${writeResults('call-cost', rows)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
