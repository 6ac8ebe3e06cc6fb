/**
 * 4-bit codebook (look-up-table) weights against int8 weights at LLM shapes: memory, and the speed
 * of the f32 path (dynamic quantization of A, integer matmul, float output), measured in the same
 * run, on the same threads. Codebooks per output column and per group of 128 along K, each against
 * int8 weights of the same granularity, both on the best kernel path by default, or on each path
 * that has a look-up-table kernel (--isa all: scalar, avx2, avx512vnni, ...).
 * Usage: node --import tsx bench/codebook.bench.ts [--quick] [--threads 1,2] [--shapes MxKxN,...]
 *        [--isa all|best]
 */
import * as ei8 from '../dist/index';
import { benchEnv, benchOptions, envLine, median, parseShapes, timeSync, writeResults } from './common';

interface Shape { m: number; k: number; n: number }

const { arg, quick, threads: threadList, repeats, minTime } = benchOptions();
const allIsas = (arg('isa') ?? 'best') === 'all';

function defaultShapes(): Shape[] {
  const kn: [number, number][] = quick ? [[1024, 1024], [4096, 4096]] : [[1024, 1024], [4096, 4096], [4096, 11008]];
  const shapes: Shape[] = [{ m: 16, k: 16, n: 16 }];
  for (const m of quick ? [1, 16] : [1, 16, 64]) for (const [k, n] of kn) shapes.push({ m, k, n });
  return shapes;
}
const shapes: Shape[] = arg('shapes')
  ? parseShapes(arg('shapes')!)
  : defaultShapes();

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/** Random 4-bit codebook weights [K, N] (speed does not depend on the values; k-means would only cost time here). */
function randomCodebook(k: number, n: number, groupSize: number | undefined, seed: number): ei8.CodebookTensor {
  const next = lcg(seed);
  const books = groupSize ? Math.ceil(k / groupSize) * n : n;
  const indices = new Uint8Array(Math.ceil((k * n) / 2));
  for (let i = 0; i < indices.length; i++) indices[i] = next() >>> 24;
  const centroids = new Int8Array(books * 16);
  for (let i = 0; i < centroids.length; i++) centroids[i] = (next() >>> 24) - 128;
  const scale = new Float32Array(books).fill(0.01);
  const codebook: ei8.Codebook = groupSize ? { centroids, scale, axis: 0, groupSize } : { centroids, scale, axis: 1 };
  return { indices, bits: 4, shape: [k, n], codebook };
}

function randomInt8Weights(k: number, n: number, groupSize: number | undefined, seed: number): ei8.QTensor {
  const next = lcg(seed);
  const data = new Int8Array(k * n);
  for (let i = 0; i < data.length; i++) data[i] = (next() >>> 24) - 128;
  const params = groupSize ? Math.ceil(k / groupSize) * n : n;
  const quant: ei8.QuantParams = { dtype: 'int8', scale: new Float32Array(params).fill(0.01), zeroPoint: new Int32Array(params), axis: 1 };
  if (groupSize) Object.assign(quant, { axis: 0, groupSize });
  return { data, shape: [k, n], quant };
}

async function main(): Promise<void> {
  const env = benchEnv();
  console.log(envLine(env));
  // The kernel paths to compare on: the best, or every one that has a look-up-table kernel.
  const lutIsas = ei8.codebookKernels().available.filter((k) => k !== 'ref');
  const isas = allIsas ? ei8.cpuInfo().available.filter((isa) => lutIsas.includes(isa)) : [ei8.cpuInfo().isa];
  console.log(`look-up-table kernels: ${lutIsas.join(', ')}; measuring on ${isas.join(', ')}`);
  const rows: Record<string, unknown>[] = [];
  console.log('\nshape (MxKxN)      thr  weights      kernel        bytes      x int8 bytes   GOPS    weights GB/s   time / int8');
  for (const { m, k, n } of shapes) {
    const x = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37));
    // Each codebook layout against int8 weights of the same granularity.
    const pairs: [string, ei8.PackedWeights, string, ei8.CodebookWeights][] = [
      ['int8 per column', ei8.packWeights(randomInt8Weights(k, n, undefined, k + n)), 'lut4 per column',
        ei8.packCodebook(randomCodebook(k, n, undefined, k * 3 + n))],
    ];
    if (k >= 128) {
      pairs.push(['int8 group 128', ei8.packWeights(randomInt8Weights(k, n, 128, k + 7 * n)), 'lut4 group 128',
        ei8.packCodebook(randomCodebook(k, n, 128, k * 5 + n))]);
    }
    const out = new Float32Array(m * n);
    const ops = 2 * m * n * k;
    for (const threads of threadList) {
      ei8.setThreads(threads);
      for (const [int8Name, int8, lutName, cb] of pairs) {
        for (const isa of isas) {
          // Both paths on the same instruction set: the look-up-table kernel follows setIsa.
          ei8.setIsa(isa);
          const tInt8 = median(Array.from({ length: repeats }, () => timeSync(int8Name, () => ei8.matmulF32(x, [m, k], int8, { out }), minTime)));
          const t = median(Array.from({ length: repeats }, () => timeSync(lutName, () => ei8.codebookMatmulF32(x, [m, k], cb, { out }), minTime)));
          for (const [weights, bytes, seconds, kernel] of [
            [int8Name, int8.bytes, tInt8, ei8.cpuInfo().isa], [lutName, cb.bytes, t, ei8.codebookKernels().current],
          ] as const) {
            const row = {
              m, k, n, threads, weights, kernel, bytes, bytesVsInt8: bytes / int8.bytes, gops: ops / seconds / 1e9,
              weightsGBps: bytes / seconds / 1e9, timeVsInt8: seconds / tInt8, seconds,
            };
            rows.push(row);
            print(row);
          }
        }
        ei8.setIsa('auto');
      }
    }
    for (const [, int8, , cb] of pairs) {
      int8.dispose();
      cb.dispose();
    }
  }
  const file = writeResults('codebook', rows, env);
  console.log(`\n${envLine(env)}\nresults: ${file}`);
}

function print(r: { m: number; k: number; n: number; threads: number; weights: string; kernel: string; bytes: number;
  bytesVsInt8: number; gops: number; weightsGBps: number; timeVsInt8: number }): void {
  console.log(`${`${r.m}x${r.k}x${r.n}`.padEnd(18)} ${String(r.threads).padStart(3)}  ${r.weights.padEnd(16)} ${r.kernel.padEnd(11)} ` +
    `${String(r.bytes).padStart(10)}   ${r.bytesVsInt8.toFixed(3).padStart(8)}   ${r.gops.toFixed(1).padStart(7)}   ` +
    `${r.weightsGBps.toFixed(2).padStart(10)}   ${r.timeVsInt8.toFixed(2).padStart(8)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
