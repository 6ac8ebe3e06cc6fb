/**
 * Sparse GEMM vs our own dense kernel on the same pruned weights (issue 6), all ratios measured in
 * one run: speedup, the ideal for a bytes-bound GEMV (dense bytes / sparse bytes incl. metadata),
 * the crossover sparsity per pattern, and the error side (output SQNR vs sparsity, magnitude vs
 * importance pruning on the same weights, synthetic gradients).
 * Usage: node --import tsx bench/sparse.bench.ts [--quick] [--threads 1,2] [--only speed|crossover|sqnr]
 *   speed subsets: [--shapes 4096x4096,4096x11008] [--m 1,8,64] [--cases 2:4@0.5,4x4@0.9,...]
 *   (patterns: 'N:M', 'RxC' blocks, 'unstructured' packed as CSR, 'sell' unstructured packed as SELL)
 *   crossover subset: [--patterns sell,4x4,2:4,...] [--crossover-m 1,64] (the rows of A timed)
 *   [--q128]: weights whose non-zeros include -128 (the exact widening kernels of avx2 and sse41,
 *   where symmetric weights run the narrow ones)
 *   [--isa avx2|avxvnni|...]: both the dense and the sparse path on that instruction set (setIsa)
 *   [--cold [MB]]: each timed call uses the next of several copies of its weights, at least MB
 *   (default 256) of them in all, so that every call reads its weights from DRAM as an LLM decode
 *   does (one layer after another). Without it a shape's weights stay in the last-level cache when
 *   they fit (4096x4096 dense and sparse, 4096x11008 sparse on this machine).
 */
import * as ei8 from '../dist/index';
import {
  benchEnv, benchOptions, callEachOnce, envLine, lcg, median, packCopies, timeSync, writeResults,
} from './common';

const { argv, arg, quick, threads: threadList, repeats, minTime } = benchOptions({ quick: 0.05, full: 0.2 });
const only = arg('only');
const coldAt = argv.indexOf('--cold');
const coldBytes = coldAt < 0 ? 0 : (Number(argv[coldAt + 1]) || 256) * 2 ** 20;
const q128 = argv.includes('--q128');

/**
 * Symmetric int8 weights [K, N] with the pattern's zeros: 'unstructured', 'N:M' or 'RxC' blocks (R
 * outputs x C k); with --q128 the non-zeros are drawn from [-128, 127] instead of [-127, 127].
 */
function patterned(k: number, n: number, pattern: string, sparsity: number, seed: number): ei8.QTensor {
  const rand = lcg(seed);
  const data = new Int8Array(k * n);
  const nonzero = () => {
    const v = q128 ? Math.floor(rand() * 256) - 128 : Math.floor(rand() * 255) - 127;
    return v === 0 ? 1 : v;
  };
  const nm = /^(\d+):(\d+)$/.exec(pattern);
  const block = /^(\d+)x(\d+)$/.exec(pattern);
  if (nm) {
    const keep = Number(nm[1]);
    const m = Number(nm[2]);
    const pos = Array.from({ length: m }, (_, i) => i);
    for (let col = 0; col < n; col++) {
      for (let k0 = 0; k0 < k; k0 += m) {
        for (let i = m - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [pos[i], pos[j]] = [pos[j], pos[i]];
        }
        for (let i = 0; i < keep; i++) if (k0 + pos[i] < k) data[(k0 + pos[i]) * n + col] = nonzero();
      }
    }
  } else {
    const [r, c] = block ? [Number(block[1]), Number(block[2])] : [1, 1];
    for (let n0 = 0; n0 < n; n0 += r) {
      for (let k0 = 0; k0 < k; k0 += c) {
        if (rand() < sparsity) continue;
        for (let kk = k0; kk < Math.min(k, k0 + c); kk++) for (let nn = n0; nn < Math.min(n, n0 + r); nn++) data[kk * n + nn] = nonzero();
      }
    }
  }
  return { data, shape: [k, n], quant: { dtype: 'int8', scale: new Float32Array(n).fill(0.01), zeroPoint: new Int32Array(n), axis: 1 } };
}

function packAs(w: ei8.QTensor, pattern: string): ei8.SparseWeights {
  const nm = /^(\d+):(\d+)$/.exec(pattern);
  const block = /^(\d+)x(\d+)$/.exec(pattern);
  if (nm) return ei8.packSparse(w, { nm: [Number(nm[1]), Number(nm[2])] });
  if (block) return ei8.packSparse(w, { block: [Number(block[1]), Number(block[2])] });
  // 'sell': unstructured weights in the SELL layout, 'unstructured' as CSR.
  return ei8.packSparse(w, { format: pattern === 'sell' ? 'sell' : 'csr' });
}

/** The speedup a purely bytes-bound GEMV would get: dense bytes / sparse bytes including metadata. */
function bytesIdeal(s: ei8.SparseWeights): number {
  return s.denseBytes / s.streamBytes;
}

function activations(m: number, k: number): ei8.QTensor {
  const rand = lcg(m * 31 + k);
  return { data: Uint8Array.from({ length: m * k }, () => Math.floor(rand() * 256)), shape: [m, k], quant: { dtype: 'uint8', scale: 0.02, zeroPoint: 128 } };
}

function seconds(name: string, a: ei8.QTensor, b: ei8.Weights | ei8.Weights[], out: Int32Array): number {
  const list = Array.isArray(b) ? b : [b];
  callEachOnce(list, (w) => ei8.matmulInt32(a, w, out));
  let i = 0;
  const call = () => {
    ei8.matmulInt32(a, list[i], out);
    i = i + 1 === list.length ? 0 : i + 1;
  };
  return median(Array.from({ length: repeats }, () => timeSync(name, call, minTime)));
}


if (arg('isa')) ei8.setIsa(arg('isa')!);
const env = benchEnv();
const rows: Record<string, unknown>[] = [];
const info = ei8.cpuInfo();
// SELL where the path in use has a SIMD kernel for it; the portable loop measures nothing useful.
const sellKernel = ei8.sparseSellKernel();
const sellPatterns = sellKernel === 'permute' || sellKernel === 'lookups' ? ['sell'] : [];
console.log(envLine(env));
if (coldBytes) console.log(`cold: each call reads the next copy of the weights, ${coldBytes / 2 ** 20} MB a weight`);
console.log(`dense path compared: isa ${info.isa} (matmulInt32 on packWeights of the same pruned weights); sparse path: ${ei8.sparseIsa()}`);

// ------------------------------------------------------------------------------ speed ----
if (!only || only === 'speed') {
  const shapes: [number, number][] = arg('shapes')
    ? arg('shapes')!.split(',').map((x) => x.split('x').map(Number) as [number, number])
    : quick ? [[4096, 4096]] : [[4096, 4096], [4096, 11008]];
  const cases: [string, number][] = arg('cases')
    ? arg('cases')!.split(',').map((x) => { const [p, sp] = x.split('@'); return [p, Number(sp)] as [string, number]; })
    : [['2:4', 0.5], ['4x4', 0.75], ['4x4', 0.9], ['4x4', 0.95], ['1x16', 0.9],
      ['unstructured', 0.75], ['unstructured', 0.9], ['unstructured', 0.95],
      ...sellPatterns.flatMap((p) => [[p, 0.75], [p, 0.9], [p, 0.95]] as [string, number][])];
  const ms = (arg('m') ?? '1,8,64').split(',').map(Number);
  console.log('\n| K×N | M | threads | pattern | sparsity | dense ms | sparse ms | speedup | ideal (bytes) | % of ideal | format |');
  console.log('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|');
  for (const [k, n] of shapes) {
    const weights = cases.map(([p, s], i) => {
      const w = patterned(k, n, p, s, 7 + i);
      return { p, s, dense: packCopies(() => ei8.packWeights(w), coldBytes), sparse: packCopies(() => packAs(w, p), coldBytes) };
    });
    if (coldBytes) {
      const counts = weights.map((x) => `${x.p}@${x.s} ${x.dense.length}/${x.sparse.length}`);
      console.log(`${k}×${n} copies (dense/sparse): ${counts.join(', ')}`);
    }
    for (const m of ms) {
      const a = activations(m, k);
      const out = new Int32Array(m * n);
      for (const threads of threadList) {
        ei8.setThreads(threads);
        for (const { p, s, dense, sparse } of weights) {
          const td = seconds(`dense ${m}x${k}x${n}`, a, dense, out);
          const ts = seconds(`sparse ${p} ${m}x${k}x${n}`, a, sparse, out);
          const ideal = bytesIdeal(sparse[0]);
          const row = { k, n, m, threads, pattern: p, sparsity: 1 - sparse[0].density, denseMs: td * 1e3, sparseMs: ts * 1e3,
            speedup: td / ts, ideal, pctIdeal: (100 * td) / ts / ideal, format: sparse[0].format, denseIsa: info.isa,
            sparseIsa: ei8.sparseIsa(), cold: coldBytes > 0 };
          rows.push(row);
          console.log(`| ${k}×${n} | ${m} | ${threads} | ${p} | ${(100 * row.sparsity).toFixed(1)}% | ${row.denseMs.toFixed(3)} | ` +
            `${row.sparseMs.toFixed(3)} | ${row.speedup.toFixed(2)} | ${ideal.toFixed(2)} | ${row.pctIdeal.toFixed(0)} | ${row.format} |`);
        }
      }
    }
    for (const x of weights) for (const packed of [...x.dense, ...x.sparse]) packed.dispose();
  }
}

// -------------------------------------------------------------------------- crossover ----
if (!only || only === 'crossover') {
  const k = 4096, n = 4096;
  const grid = quick ? [0.5, 0.7, 0.9] : [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const crossoverMs = (arg('crossover-m') ?? '1,64').split(',').map(Number);
  ei8.setThreads(1);
  console.log('\ncrossover (K=N=4096, 1 thread): speedup over dense by sparsity' + (q128 ? ' (weights with -128)' : '') +
    ', and in brackets the cost per byte that packSparse\'s \'auto\' weighs (bytes ideal / speedup)');
  console.log('| pattern | M | ' + grid.map((s) => `${s * 100}%`).join(' | ') + ' | crossover |');
  console.log('|---|---:|' + grid.map(() => '---:').join('|') + '|---|');
  const patterns = arg('patterns')?.split(',') ??
    ['unstructured', ...sellPatterns, '1x4', '4x1', '4x4', '1x16', '1:4', '2:4', '4:8'];
  for (const p of patterns.filter((x) => !x.includes(':'))) {
    const packed = grid.map((s, i) => {
      const w = patterned(k, n, p, s, 100 + i);
      return { s, dense: ei8.packWeights(w), sparse: packAs(w, p) };
    });
    for (const m of crossoverMs) {
      const a = activations(m, k);
      const out = new Int32Array(m * n);
      const speedups = packed.map(({ dense, sparse }) => seconds('dense', a, dense, out) / seconds('sparse', a, sparse, out));
      const costs = packed.map(({ sparse }, i) => bytesIdeal(sparse) / speedups[i]);
      const at = grid.find((_, i) => speedups[i] >= 1);
      rows.push({ crossover: true, pattern: p, m, grid, speedups, costs, crossoverSparsity: at ?? null, q128 });
      const cells = speedups.map((x, i) => `${x.toFixed(2)} (${costs[i].toFixed(2)})`);
      console.log(`| ${p} | ${m} | ${cells.join(' | ')} | ${at === undefined ? `> ${grid[grid.length - 1] * 100}%` : `${at * 100}%`} |`);
    }
    for (const x of packed) {
      x.dense.dispose();
      x.sparse.dispose();
    }
  }
  for (const p of patterns.filter((x) => x.includes(':'))) {
    const w = patterned(k, n, p, 0, 5);
    const dense = ei8.packWeights(w);
    const sparse = packAs(w, p);
    for (const m of crossoverMs) {
      const a = activations(m, k);
      const out = new Int32Array(m * n);
      const speedup = seconds('dense', a, dense, out) / seconds('sparse', a, sparse, out);
      const cost = bytesIdeal(sparse) / speedup;
      rows.push({ crossover: true, pattern: p, m, sparsity: 1 - sparse.density, speedup, cost, q128 });
      console.log(`| ${p} (${((1 - sparse.density) * 100).toFixed(0)}%) | ${m} | speedup ${speedup.toFixed(2)} (${cost.toFixed(2)}) |`);
    }
  }
}

// ------------------------------------------------------------------------------- SQNR ----
if (!only || only === 'sqnr') {
  // y = X W on data whose input features have very different scales (log-normal). The synthetic
  // gradient of each weight is its feature's scale times noise: what a loss gradient on such data
  // looks like. Magnitude pruning ignores the feature scale; importance |w * g| does not.
  const k = 512, n = 256, m = 64;
  const rand = lcg(42);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const featureScale = Float32Array.from({ length: k }, () => Math.exp(1.2 * gauss()));
  const w = Float32Array.from({ length: k * n }, () => gauss() * 0.05);
  const g = Float32Array.from({ length: k * n }, (_, i) => featureScale[Math.floor(i / n)] * (0.5 + rand()));
  const x = Float32Array.from({ length: m * k }, (_, i) => featureScale[i % k] * gauss());
  const exact = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let kk = 0; kk < k; kk++) {
    const xv = x[i * k + kk];
    for (let j = 0; j < n; j++) exact[i * n + j] += xv * w[kk * n + j];
  }
  const sqnr = (y: Float32Array) => {
    let sig = 0;
    let err = 0;
    for (let i = 0; i < y.length; i++) {
      sig += exact[i] ** 2;
      err += (exact[i] - y[i]) ** 2;
    }
    return 10 * Math.log10(sig / err);
  };
  console.log(`\noutput SQNR (dB) of matmulF32 through packSparse, X ${m}x${k}, W ${k}x${n}, int8 per-channel weights`);
  console.log('| pattern | sparsity | magnitude | importance |');
  console.log('|---|---:|---:|---:|');
  const cases: [string, number | undefined][] = [['unstructured', 0], ['unstructured', 0.5], ['unstructured', 0.75], ['unstructured', 0.9],
    ['unstructured', 0.95], ['2:4', undefined], ['1:4', undefined], ['4x4', 0.75], ['4x4', 0.9], ['1x16', 0.9]];
  for (const [pattern, sparsity] of cases) {
    const result: Record<string, number> = {};
    for (const method of ['magnitude', 'importance'] as const) {
      const pr = ei8.prune(w, [k, n], { pattern, sparsity, method, gradient: method === 'importance' ? g : undefined });
      const q = ei8.quantize(pr.weights, [k, n], { symmetric: true, axis: 1 });
      const s = ei8.packSparse(q);
      result[method] = sqnr(ei8.matmulF32(x, [m, k], s));
      result.sparsity = pr.sparsity;
      s.dispose();
    }
    rows.push({ sqnr: true, pattern, ...result });
    console.log(`| ${pattern} | ${(100 * result.sparsity).toFixed(0)}% | ${result.magnitude.toFixed(1)} | ${result.importance.toFixed(1)} |`);
  }
}

console.log(`\nresults: ${writeResults(coldBytes ? 'sparse-cold' : 'sparse', rows, env)}`);
