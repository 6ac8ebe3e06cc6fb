// Per-call time of the small matmul calls in a plain loop, for comparing builds (no benchmark.js
// loop around each call). Loads <checkout>/dist; prints one JSON line of µs a call, each the median
// of five timings of 300 000 calls. Run it alternately on two checkouts, several times each:
//   node bench/call-loop.cjs <checkout> [matmulInt32,matmul,...]    (16x16x16, one thread, out given)
const path = require('path');

const ei8 = require(path.resolve(process.argv[2] ?? '.', 'dist', 'index.js'));
const only = process.argv[3] ? new Set(process.argv[3].split(',')) : null;
ei8.setThreads(1);
const M = 16, K = 16, N = 16;
const wf = Float32Array.from({ length: K * N }, (_, i) => (((i * 2654435761) >>> 16) & 1023) / 512 - 1);
const af = Float32Array.from({ length: M * K }, (_, i) => ((i * 40503) & 255) / 64 - 1);
const qw = ei8.quantize(wf, [K, N], { symmetric: true, axis: 1 });
const dense = ei8.packWeights(qw);
const sparse = ei8.packSparse({ ...qw, data: qw.data.map((v, i) => (i % 4 === 0 ? v : 0)) });
const a = ei8.quantize(af, [M, K], { dtype: 'uint8' });
const o32 = new Int32Array(M * N), o8 = new Int8Array(M * N), of = new Float32Array(M * N);
const calls = {
  matmulInt32: () => ei8.matmulInt32(a, dense, o32),
  matmul: () => ei8.matmul(a, dense, { output: { scale: 0.5, zeroPoint: 0 }, out: o8 }),
  matmulDequantize: () => ei8.matmulDequantize(a, dense, { out: of }),
  matmulF32: () => ei8.matmulF32(af, [M, K], dense, { out: of }),
  sparseInt32: () => ei8.matmulInt32(a, sparse, o32),
};
const result = {};
for (const [name, call] of Object.entries(calls)) {
  if (only && !only.has(name)) continue;
  call();
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 300000; i++) call();
    times.push(Number(process.hrtime.bigint() - t0) / 300000 / 1000);
  }
  times.sort((x, y) => x - y);
  result[name] = Number(times[2].toFixed(3));
}
console.log(JSON.stringify(result));
