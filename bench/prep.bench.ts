/**
 * Preparing weights and activations: the per-call steps of inference (quantize / dequantize of
 * activations, timed by benchmark.js) and the offline steps a model goes through once per weight
 * matrix (prune, quantize, pack; seconds each, so timed as plain calls, the median of --repeats).
 *
 *   node --import tsx bench/prep.bench.ts [--only per-call|offline] [--shape 4096x11008] [--repeats 3]
 * To compare two builds, run the same script in a worktree of each (it loads ../dist).
 */
import * as ei8 from '../dist/index';
import { envLine, lcg, median, timeSync, writeResults } from './common';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const only = option('only', 'all');
const [K, N] = option('shape', '4096x11008').split('x').map(Number);
const repeats = Number(option('repeats', '3'));

interface Row { step: string; shape: string; ms: number }
const rows: Row[] = [];
const report = (step: string, shape: string, ms: number) => {
  rows.push({ step, shape, ms });
  console.log(`| ${step} | ${shape} | ${ms < 1 ? ms.toFixed(4) : ms.toFixed(1)} |`);
};

console.log(envLine());
console.log('\n| step | shape | ms |\n|---|---|---:|');

if (only === 'all' || only === 'per-call') {
  for (const [m, k] of [[1, 4096], [1, 11008], [64, 4096]]) {
    const rand = lcg(m * k);
    const x = Float32Array.from({ length: m * k }, () => rand() * 4 - 2);
    const out = new Uint8Array(m * k);
    const shape = `${m}x${k}`;
    report('quantize uint8, parameters from the data', shape, 1e3 * timeSync('q', () => ei8.quantize(x, [m, k], { dtype: 'uint8' })));
    report('quantize uint8, given parameters and out', shape,
      1e3 * timeSync('q', () => ei8.quantize(x, [m, k], { dtype: 'uint8', scale: 0.02, zeroPoint: 128, out })));
    report('quantize int8 per row (axis 0)', shape, 1e3 * timeSync('q', () => ei8.quantize(x, [m, k], { axis: 0 })));
    const q = ei8.quantize(x, [m, k], { dtype: 'uint8' });
    report('dequantize', shape, 1e3 * timeSync('d', () => ei8.dequantize(q)));
  }
}

if (only === 'all' || only === 'offline') {
  const shape = `${K}x${N}`;
  const rand = lcg(K + N);
  const w = Float32Array.from({ length: K * N }, () => (rand() * 2 - 1) * 0.05);
  const g = Float32Array.from({ length: K * N }, () => rand() * 2 - 1);
  const time = (step: string, fn: () => unknown) => {
    const ms: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      fn();
      ms.push(performance.now() - t0);
    }
    report(step, shape, median(ms));
  };
  const prunes: [string, ei8.PruneOptions][] = [
    ['prune unstructured 90 %', { sparsity: 0.9 }],
    ['prune importance 90 %', { sparsity: 0.9, method: 'importance', gradient: g }],
    ["prune unstructured 90 %, scope 'channel'", { sparsity: 0.9, scope: 'channel' }],
    ['prune 2:4', { pattern: '2:4' }],
    ['prune 4x4 90 %', { pattern: '4x4', sparsity: 0.9 }],
    ['prune 1x16 90 %', { pattern: '1x16', sparsity: 0.9 }],
  ];
  for (const [step, opts] of prunes) time(step, () => ei8.prune(w, [K, N], opts));
  const symmetric = (o: ei8.PruneOptions) => ei8.quantize(ei8.prune(w, [K, N], o).weights, [K, N], { symmetric: true, axis: 1 });
  const blocks = symmetric({ pattern: '4x4', sparsity: 0.9 });
  const loose = symmetric({ sparsity: 0.9 });
  const nm = symmetric({ pattern: '2:4' });
  const packs: [string, ei8.QTensor, ei8.PackSparseOptions][] = [
    ["packSparse 4x4 90 %, 'auto'", blocks, {}],
    ['packSparse 4x4 90 %, block [4, 4]', blocks, { block: [4, 4] }],
    ["packSparse unstructured 90 %, 'auto'", loose, {}],
    ["packSparse unstructured 90 %, 'csr'", loose, { format: 'csr' }],
    ["packSparse unstructured 90 %, 'sell'", loose, { format: 'sell' }],
    ['packSparse unstructured 90 %, rows 64', loose, { rows: 64 }],
    ["packSparse 2:4, 'auto'", nm, {}],
  ];
  for (const [step, t, opts] of packs) time(step, () => ei8.packSparse(t, opts).dispose());
  time("quantizeWeights 'tflite'", () => ei8.quantizeWeights(w, [K, N], 'tflite'));
  const int8 = ei8.quantizeWeights(w, [K, N], 'tflite');
  time('packWeights', () => ei8.packWeights(int8).dispose());
  time('quantizeLog2 4-bit per column', () => ei8.quantizeLog2(w, [K, N], { axis: 1 }));
  time('quantizeCodebook 4-bit per column', () => ei8.quantizeCodebook(w, [K, N], { axis: 1 }));
  time('quantizeCodebook 4-bit, groups of 128 along K', () => ei8.quantizeCodebook(w, [K, N], { axis: 0, groupSize: 128 }));
  time('quantizeCodebook 8-bit per column', () => ei8.quantizeCodebook(w, [K, N], { axis: 1, bits: 8 }));
  const book = ei8.log2ToCodebook(ei8.quantizeLog2(w, [K, N], { axis: 1 }));
  time('packCodebook 4-bit per column', () => ei8.packCodebook(book).dispose());
}

console.log(`\nresults: ${writeResults('prep', rows)}`);
