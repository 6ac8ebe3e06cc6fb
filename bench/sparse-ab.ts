/**
 * Paired A/B timing of the sparse path: two builds of edge-int8 loaded in one process, their calls
 * alternating, so that both see the same moments of a noisy machine. Used for the before/after
 * tables in docs/sparse.md. Weights go the user's way: prune, quantize, packSparse.
 *
 *   git worktree add /tmp/base <commit>; in /tmp/base: ln -s <this checkout>/node_modules,
 *   npm run build, npm run build:ts; then, here:
 *   BASE=/tmp/base K=4096 N=4096 M=1 CASES=1x16@0.9,4x4@0.9 [ISA=avxvnni] [EXPLICIT=1] \
 *     node --import tsx bench/sparse-ab.ts
 *
 * One thread only: two builds mean two thread pools, which would compete for the cores.
 * EXPLICIT=1 packs RxC cases with { block: [R, C] } instead of the 'auto' format.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Ei8 from '../dist/index';
import { lcg, median } from './common';

const load = async (root: string): Promise<typeof Ei8> =>
  import(pathToFileURL(path.join(root, 'dist/index.mjs')).href);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const K = env('K', 4096), N = env('N', 4096), M = env('M', 1), calls = env('CALLS', 400);

const rand = lcg(1);
const w = Float32Array.from({ length: K * N }, () => rand() - 0.5);
const xq: Ei8.QTensor = {
  data: Uint8Array.from({ length: M * K }, () => Math.floor(rand() * 256)),
  shape: [M, K],
  quant: { dtype: 'uint8', scale: 0.02, zeroPoint: 128 },
};

async function main(): Promise<void> {
  // In a function: the bench files run as CommonJS under tsx, which has no top-level await.
  const libs = [await load(process.env.BASE ?? '/tmp/base'), await load(path.join(__dirname, '..'))];
  for (const c of (process.env.CASES ?? '4x4@0.9').split(',')) timeCase(libs, c);
}

function timeCase(libs: (typeof Ei8)[], c: string): void {
  const [pattern, sp] = c.split('@');
  const block = /^(\d+)x(\d+)$/.exec(pattern);
  const weights = libs.map((e) => {
    if (process.env.ISA) e.setIsa(process.env.ISA);
    e.setThreads(1);
    const pruned = e.prune(w, [K, N], { pattern, sparsity: Number(sp) }).weights;
    const q = e.quantize(pruned, [K, N], { symmetric: true, axis: 1 });
    return e.packSparse(q, process.env.EXPLICIT && block ? { block: [Number(block[1]), Number(block[2])] } : undefined);
  });
  const outs = libs.map(() => new Int32Array(M * N));
  const times: number[][] = [[], []];
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

void main();
