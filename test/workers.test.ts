/**
 * Worker threads: each has its own Node environment, so its own weights classes and table of
 * weights ids (csrc/napi/native_weights.h). Weights made in a worker compute there, and those it
 * leaves alive are freed when it exits, whatever order the environment's finalizers run in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const root = path.join(__dirname, '..');

// Runs in the worker (CommonJS, no TypeScript): the native layer straight, as ts/ would call it.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require('node-gyp-build')(workerData.root);
const params = Float64Array.of(0, 0, 1, 4, 0);  // int8 A, zero point 0, m 1, k 4, sync
const a = Int8Array.of(1, 2, 3, 4);
const w = Int8Array.from({ length: 16 }, (_, i) => i - 8);  // [K 4, N 4], row-major
const packed = addon.packWeights(w, 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 0);
const sparse = addon.packSparse(w, 0, false, 4, 4, new Int32Array(1), Float32Array.of(1), 1, 0, 0, 0, 0, 1);
// 4-bit codebook: every index 0, centroid 0 is 3.
const codebook = addon.codebookPack(new Uint8Array(8), false, 4, 4, Int8Array.of(3, ...new Array(15).fill(0)),
  Float32Array.of(1), 1, 0);
const results = [addon.matmulInt32(a, packed.id(), new Int32Array(4), params),
  addon.sparseMatmulInt32(a, sparse.id(), new Int32Array(4), params),
  addon.codebookMatmulInt32(a, codebook.id(), new Int32Array(4), params)].map((r) => Array.from(r));
// Weights left alive, some disposed, many garbage: all freed at exit.
const kept = Array.from({ length: 200 }, () => addon.packWeights(w, 0, false, 4, 4, new Int32Array(1), null, 0));
for (let i = 0; i < kept.length; i += 3) kept[i].dispose();
parentPort.postMessage({ results, kept: kept.length });
`;

function runWorker(): Promise<{ results: number[][]; exitCode: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: { root } });
    let results: number[][] = [];
    worker.on('message', (m: { results: number[][] }) => { results = m.results; });
    worker.on('error', reject);
    worker.on('exit', (exitCode) => resolve({ results, exitCode }));
  });
}

test('weights made in worker threads compute there and are freed when the workers exit', async () => {
  // C[n] = sum_k a[k] * w[k][n] with w[k][n] = 4k + n - 8.
  const want = [0, 1, 2, 3].map((n) => [1, 2, 3, 4].reduce((s, a, k) => s + a * (4 * k + n - 8), 0));
  const runs = await Promise.all([runWorker(), runWorker(), runWorker()]);
  for (const { results, exitCode } of runs) {
    assert.is(exitCode, 0);
    assert.equal(results, [want, want, [30, 30, 30, 30]]);
  }
});

test.run();
