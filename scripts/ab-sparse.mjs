// Paired A/B timing of the sparse path: two builds of edge-int8 loaded in one process, their calls
// alternating, so that both see the same moments of a noisy machine. Used for the before/after
// tables in docs/sparse.md.
//
//   git worktree add /tmp/base <commit>; in /tmp/base: ln -s <this checkout>/node_modules,
//   npm run build, npm run build:ts; then, here:
//   BASE=/tmp/base K=4096 N=4096 M=1 CASES=1x16@0.9,4x4@0.9 [ISA=avxvnni] [EXPLICIT=1] \
//     node scripts/ab-sparse.mjs
//
// One thread only: two builds mean two thread pools, which would compete for the cores.
// EXPLICIT=1 packs RxC cases with { block: [R, C] } instead of the 'auto' format.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (root) => import(pathToFileURL(path.join(root, 'dist/index.mjs')).href);
const libs = [await load(process.env.BASE || '/tmp/base'), await load(path.join(here, '..'))];
const K = +(process.env.K || 4096), N = +(process.env.N || 4096), M = +(process.env.M || 1);
const calls = +(process.env.CALLS || 400);

const w = new Float32Array(K * N);
let s = 1;
for (let i = 0; i < w.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  w[i] = s / 2 ** 32 - 0.5;
}
const x = new Uint8Array(M * K).map((_, i) => (i * 7) & 255);
const xq = { data: x, shape: [M, K], quant: { dtype: 'uint8', scale: 0.02, zeroPoint: 128 } };
const median = (a) => a.sort((p, q) => p - q)[a.length >> 1];

for (const c of (process.env.CASES || '4x4@0.9').split(',')) {
  const [pattern, sp] = c.split('@');
  const block = pattern.match(/^(\d+)x(\d+)$/);
  const weights = libs.map((e) => {
    if (process.env.ISA) e.setIsa(process.env.ISA);
    e.setThreads(1);
    const q = e.quantize(e.prune(w, [K, N], { pattern, sparsity: +sp }).weights, [K, N], { symmetric: true, axis: 1 });
    return e.packSparse(q, process.env.EXPLICIT && block ? { block: [+block[1], +block[2]] } : undefined);
  });
  const outs = libs.map(() => new Int32Array(M * N));
  const times = [[], []];
  for (let r = 0; r < calls + 20; r++)
    for (let j = 0; j < 2; j++) {
      const t0 = process.hrtime.bigint();
      libs[j].matmulInt32(xq, weights[j], outs[j]);
      if (r >= 20) times[j].push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
  const same = outs[0].every((v, i) => v === outs[1][i]);
  const [b, n] = times.map(median);
  console.log(`${c} M=${M} ${K}x${N}: base ${b.toFixed(1)} us, new ${n.toFixed(1)} us, new/base ${(n / b).toFixed(3)}` +
    (same ? '' : '  RESULTS DIFFER'));
}
