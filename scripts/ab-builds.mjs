// A/B of two built checkouts of edge-int8 in one process, for changes smaller than this shared
// machine's drift between runs: each round times both (order alternating), and the speedup is the
// median of the per-round ratios. Both must return the same integers (printed as same=true).
//   BASE=<checkout> NEW=<checkout, default .> [ISA=avx512vnni] [THREADS=1] [ROUNDS=9] \
//   [KIND=int32|int8|groups] [GROUP=32] SHAPES=16x11008x4096,1x4096x4096 node scripts/ab-builds.mjs
// KIND int32 times matmulInt32, int8 matmul with uint8 output (rounding 'float'), groups matmulF32
// on int8 weights with one scale per GROUP consecutive k of a column (LLM weights).
// Each checkout needs `npm run build` and `npm run build:ts` (its dist/ is loaded).
import { createRequire } from 'node:module';
import path from 'node:path';

const req = createRequire(import.meta.url);
const load = (dir) => req(path.resolve(dir, 'dist/index.js'));
const libs = { base: load(process.env.BASE), neu: load(process.env.NEW ?? '.') };
const isa = process.env.ISA ?? 'auto';
const threads = Number(process.env.THREADS ?? 1);
const rounds = Number(process.env.ROUNDS ?? 9);
const kind = process.env.KIND ?? 'int32';
if (!['int32', 'int8', 'groups'].includes(kind)) throw new Error(`KIND must be int32, int8 or groups, got ${kind}`);
const group = Number(process.env.GROUP ?? 32);
for (const lib of Object.values(libs)) {
  lib.setIsa(isa);
  lib.setThreads(threads);
}
const median = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];

for (const shape of (process.env.SHAPES ?? '16x4096x4096').split(',')) {
  const [M, K, N] = shape.split('x').map(Number);
  // Deterministic weights in [-1, 1) and non-negative activations.
  const wf = Float32Array.from({ length: K * N }, (_, i) => (((i * 2654435761) >>> 16) & 1023) / 512 - 1);
  const af = Float32Array.from({ length: M * K }, (_, i) => ((i * 40503) & 255) / 64);
  const runs = Object.fromEntries(Object.entries(libs).map(([name, lib]) => {
    if (kind === 'groups') {
      const q = Int8Array.from(wf, (v) => Math.round(v * 127));
      const scale = Float32Array.from({ length: N * (K / group) }, (_, i) => 1e-3 + ((i * 7919) % 97) * 1e-4);
      const quant = { dtype: 'int8', scale, zeroPoint: new Int32Array(scale.length), axis: 1, groupSize: group };
      const b = lib.packWeights({ data: q, shape: [N, K], quant }, { layout: 'nk' });
      const x = Float32Array.from(af, (v) => v - 2);
      const out = new Float32Array(M * N);
      return [name, { call: () => lib.matmulF32(x, [M, K], b, { out }), out }];
    }
    const b = lib.packWeights(lib.quantize(wf, [K, N], { symmetric: true, axis: 1 }));
    const a = lib.quantize(af, [M, K], { dtype: 'uint8' });
    if (kind === 'int32') {
      const out = new Int32Array(M * N);
      return [name, { call: () => lib.matmulInt32(a, b, out), out }];
    }
    // An output scale that spreads the sums over the uint8 range.
    const output = { scale: a.quant.scale * b.scale[0] * Math.sqrt(K) * 64 / 128, zeroPoint: 128, dtype: 'uint8' };
    const out = new Uint8Array(M * N);
    return [name, { call: () => lib.matmul(a, b, { output, out }), out }];
  }));
  runs.base.call();
  runs.neu.call();
  const same = runs.base.out.every((v, i) => v === runs.neu.out[i]);
  const reps = Math.max(3, Math.round(2e9 / (2 * M * K * N)));  // about 1 s of work per sample
  const ms = { base: [], neu: [] };
  const ratios = [];
  for (let r = 0; r < rounds; ++r) {
    for (const name of r % 2 ? ['neu', 'base'] : ['base', 'neu']) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; ++i) runs[name].call();
      ms[name].push(Number(process.hrtime.bigint() - t0) / reps / 1e6);
    }
    ratios.push(ms.base.at(-1) / ms.neu.at(-1));
  }
  console.log(`${shape} ${kind} ${isa} ${threads}t base ${median(ms.base).toFixed(3)} ms new ${median(ms.neu).toFixed(3)} ms ` +
    `speedup ${median(ratios).toFixed(3)} same=${same}`);
}
