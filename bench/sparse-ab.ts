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
 * With THREADS unset: one thread, both builds in this process (two thread pools would compete for
 * the cores). THREADS=n: each build in its own child process with n threads, ROUNDS (default 3)
 * rounds alternating between the builds; prints each build's medians per round and the ratio of
 * their medians.
 * EXPLICIT=1 packs RxC cases with { block: [R, C] } instead of the 'auto' format; csr@<sparsity> and
 * sell@<sparsity> pack unstructured weights as CSR or SELL.
 * COLD=MB: each build packs copies of a case's weights, MB in all, and each call takes the next
 * one, so that calls read their weights from DRAM (an LLM decode's case; see sparse.bench.ts --cold).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Ei8 from '../dist/index';
import { callEachOnce, lcg, median, packCopies } from './common';

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

const cases = (process.env.CASES ?? '4x4@0.9').split(',');
const roots = [process.env.BASE ?? '/tmp/base', path.join(__dirname, '..')];

async function main(): Promise<void> {
  // In a function: the bench files run as CommonJS under tsx, which has no top-level await.
  if (process.env.AB_CHILD) return childRun(await load(process.env.AB_CHILD), Number(process.env.THREADS));
  if (process.env.THREADS) return threadedAb();
  const libs = [await load(roots[0]), await load(roots[1])];
  for (const c of cases) timeCase(libs, c);
}

// A case's packed weights: one copy, or with COLD enough copies to fill COLD MB.
function packCase(e: typeof Ei8, c: string, threads: number): Ei8.SparseWeights[] {
  const [name, sp] = c.split('@');
  // csr, sell: unstructured weights packed as CSR or SELL (whatever 'auto' would pick)
  const format = name === 'csr' || name === 'sell' ? name : undefined;
  const pattern = format ? 'unstructured' : name;
  const block = /^(\d+)x(\d+)$/.exec(pattern);
  if (process.env.ISA) e.setIsa(process.env.ISA);
  e.setThreads(threads);
  const pruned = e.prune(w, [K, N], { pattern, sparsity: Number(sp) }).weights;
  const q = e.quantize(pruned, [K, N], { symmetric: true, axis: 1 });
  const blockOpt: [number, number] | undefined = block ? [Number(block[1]), Number(block[2])] : undefined;
  const opts = format ? { format } : process.env.EXPLICIT && blockOpt ? { block: blockOpt } : undefined;
  return packCopies(() => e.packSparse(q, opts), env('COLD', 0) * 2 ** 20);
}

const warmup = 20; // calls not timed

// The time of one call, in microseconds.
function micros(call: () => void): number {
  const t0 = process.hrtime.bigint();
  call();
  return Number(process.hrtime.bigint() - t0) / 1e3;
}

// One build, n threads: the median call time of each case, as one JSON line.
function childRun(e: typeof Ei8, threads: number): void {
  const out = new Int32Array(M * N);
  const medians = cases.map((c) => {
    const sw = packCase(e, c, threads);
    callEachOnce(sw, (w) => e.matmulInt32(xq, w, out));
    const times: number[] = [];
    for (let r = 0; r < warmup + calls; r++) {
      const t = micros(() => e.matmulInt32(xq, sw[r % sw.length], out));
      if (r >= warmup) times.push(t);
    }
    return median(times);
  });
  console.log(JSON.stringify(medians));
}

function threadedAb(): void {
  const rounds = env('ROUNDS', 3);
  const medians: number[][][] = cases.map(() => [[], []]); // [case][build][round]
  for (let r = 0; r < rounds; r++)
    roots.forEach((root, j) => {
      const child = spawnSync(process.execPath, process.execArgv.concat(__filename), {
        env: { ...process.env, AB_CHILD: root },
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`child for ${root} failed: ${child.stderr}`);
      (JSON.parse(child.stdout.trim().split('\n').pop()!) as number[]).forEach((m, i) => medians[i][j].push(m));
    });
  cases.forEach((c, i) => {
    const [b, n] = medians[i];
    const show = (v: number[]) => v.map((x) => x.toFixed(1)).join(' ');
    console.log(`${c} M=${M} ${K}x${N} threads=${process.env.THREADS}: base ${show(b)} us, new ${show(n)} us, ` +
      `new/base ${(median(n) / median(b)).toFixed(3)}`);
  });
}

function timeCase(libs: (typeof Ei8)[], c: string): void {
  const weights = libs.map((e) => packCase(e, c, 1));
  const outs = libs.map(() => new Int32Array(M * N));
  const times: number[][] = [[], []];
  libs.forEach((e, j) => callEachOnce(weights[j], (w) => e.matmulInt32(xq, w, outs[j])));
  for (let r = 0; r < warmup + calls; r++)
    for (let j = 0; j < 2; j++) {
      const t = micros(() => libs[j].matmulInt32(xq, weights[j][r % weights[j].length], outs[j]));
      if (r >= warmup) times[j].push(t);
    }
  const same = outs[0].every((v, i) => v === outs[1][i]);
  const [b, n] = times.map(median);
  console.log(`${c} M=${M} ${K}x${N}: base ${b.toFixed(1)} us, new ${n.toFixed(1)} us, new/base ${(n / b).toFixed(3)}` +
    (same ? '' : '  RESULTS DIFFER'));
}

void main();
