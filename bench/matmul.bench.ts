/**
 * matmulInt32 at LLM shapes (DESIGN.md section 6): GOPS and, measured in the same run, the ratio
 * to onnxruntime-node MatMulInteger (B an initializer, same threads), to a plain-JS loop, and to
 * this CPU's roofline (peak of the ISA's dot-product instruction; read bandwidth for the weights).
 * With --kind, the other outputs against their onnxruntime counterparts, B per column (per channel):
 *   int8  matmul (uint8 out, rounding 'float')          vs QLinearMatMul
 *   f32   matmulF32 (A quantized per tensor in the call) vs DynamicQuantizeMatMul (com.microsoft)
 * Their plain-JS ratio is against the int32 loop: a lower bound on a JS version with the epilogue.
 * Usage: node --import tsx bench/matmul.bench.ts [--quick] [--threads 1,2] [--shapes MxKxN,...] [--isa avx2]
 *        [--repeats N] [--kind int32|int8|f32]
 * The plain-JS loop runs once per (K, N), on at most 4 rows: it costs well under a second a shape.
 * (Dated commands in docs/benchmarks.md pass --no-js, a flag this script never read.)
 */
import * as ort from 'onnxruntime-node';
import * as ei8 from '../dist/index';
import { native } from '../dist/native';
import { benchEnv, benchOptions, envLine, median, parseShapes, timeAsync, timeSync, writeResults } from './common';
import { dynamicQuantizeMatMulModel, matMulIntegerModel, qLinearMatMulModel } from './onnx-model';

interface Shape { m: number; k: number; n: number }

const { arg, quick, threads: threadList, repeats, minTime } = benchOptions();
const kinds = ['int32', 'int8', 'f32'] as const;
type Kind = (typeof kinds)[number];
const kind = (arg('kind') ?? 'int32') as Kind;
if (!kinds.includes(kind)) throw new Error(`--kind must be one of ${kinds.join(', ')}, not ${kind}`);

function defaultShapes(): Shape[] {
  const kn: [number, number][] = [[1024, 1024], [4096, 4096], [4096, 11008], [11008, 4096]];
  const shapes: Shape[] = [{ m: 16, k: 16, n: 16 }];
  for (const m of [1, 16, 64, 256]) for (const [k, n] of kn) shapes.push({ m, k, n });
  return shapes;
}
const shapes: Shape[] = arg('shapes')
  ? parseShapes(arg('shapes')!)
  : defaultShapes();

/** Uniform in [-127, 127]: what symmetric weight quantization produces (|q| <= 127, never -128). */
function randomInt8(n: number, seed: number): Int8Array {
  const out = new Int8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 16) % 255) - 127;
  }
  return out;
}

/** The plain-JS loop a user would otherwise write (B in [K, N] as Int8Array). */
function jsMatmulInt32(a: Uint8Array, za: number, b: Int8Array, m: number, k: number, n: number, out: Int32Array): void {
  for (let i = 0; i < m; i++) {
    out.fill(0, i * n, (i + 1) * n);
    for (let kk = 0; kk < k; kk++) {
      const av = a[i * k + kk] - za;
      const row = kk * n;
      for (let j = 0; j < n; j++) out[i * n + j] += av * b[row + j];
    }
  }
}

/** One shape's call of the chosen kind, ours (sync and async) and onnxruntime's model of it. */
interface KindCase {
  weights: ei8.PackedWeights;
  model: Uint8Array;
  feeds: Record<string, ort.Tensor>;
  run(): unknown;
  runAsync(): Promise<unknown>;
}

function makeCase(m: number, k: number, n: number, aData: Uint8Array, bData: Int8Array): KindCase {
  const sa = 0.02;
  const a: ei8.QTensor = { data: aData, shape: [m, k], quant: { dtype: 'uint8', scale: sa, zeroPoint: 128 } };
  if (kind === 'int32') {
    const weights = ei8.packWeights({ data: bData, shape: [k, n], quant: { dtype: 'int8', scale: 0.01, zeroPoint: 0 } });
    const out = new Int32Array(m * n);
    return {
      weights, model: matMulIntegerModel(m, k, n, 'uint8', 128, bData, 'int8', Int8Array.of(0)),
      feeds: { A: new ort.Tensor('uint8', aData, [m, k]) },
      run: () => ei8.matmulInt32(a, weights, out), runAsync: () => ei8.matmulInt32Async(a, weights, out),
    };
  }
  // Per-column scales around 0.01: the per-channel weights of a quantized LLM layer.
  const sb = Float32Array.from({ length: n }, (_, j) => 0.01 * (1 + (j % 7) / 8));
  const weights = ei8.packWeights({ data: bData, shape: [k, n], quant: { dtype: 'int8', scale: sb, zeroPoint: new Int32Array(n), axis: 1 } });
  if (kind === 'int8') {
    // |acc| is typically sqrt(K) * 127^2 / 3: an output scale that puts it near 2^5 steps of the output.
    const sy = (sa * 0.01 * Math.sqrt(k) * 5400) / 32;
    const out = new Uint8Array(m * n);
    const opts: ei8.MatmulOptions = { output: { scale: sy, zeroPoint: 128, dtype: 'uint8' }, rounding: 'float', out };
    return {
      weights, model: qLinearMatMulModel(m, k, n, bData, sa, sb, sy, 128),
      feeds: { A: new ort.Tensor('uint8', aData, [m, k]) },
      run: () => ei8.matmul(a, weights, opts), runAsync: () => ei8.matmulAsync(a, weights, opts),
    };
  }
  const x = Float32Array.from(aData, (v) => (v - 128) / 128);
  const out = new Float32Array(m * n);
  const opts: ei8.MatmulF32Options = { perToken: false, out };
  return {
    weights, model: dynamicQuantizeMatMulModel(m, k, n, bData, sb),
    feeds: { A: new ort.Tensor('float32', x, [m, k]) },
    run: () => ei8.matmulF32(x, [m, k], weights, opts), runAsync: () => ei8.matmulF32Async(x, [m, k], weights, opts),
  };
}

/**
 * Both libraries' outputs for the same call: the integer kinds must agree exactly (bit for bit is
 * what the oracle tests check); for f32, the largest difference relative to the largest |y|.
 */
async function compareOutputs(c: KindCase, session: ort.InferenceSession): Promise<number> {
  const raw = c.run() as ArrayLike<number> | { data: ArrayLike<number> };
  const ours = 'data' in raw ? raw.data : raw;
  const theirs = (await session.run(c.feeds)).Y.data as ArrayLike<number>;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  if (kind !== 'f32' && diff !== 0) throw new Error(`${kind}: outputs differ from onnxruntime's by up to ${diff}`);
  return kind === 'f32' ? diff / (scale || 1) : 0;
}

async function main(): Promise<void> {
  if (arg('isa')) ei8.setIsa(arg('isa')!);
  const env = benchEnv();
  const isa = ei8.cpuInfo().isa;
  console.log(envLine(env));
  console.log(`kind ${kind}`);
  const rows: Record<string, unknown>[] = [];
  const peakByThreads = new Map<number, number>();
  for (const t of threadList) peakByThreads.set(t, native.probeDotPeak(isa, t));
  const jsGops = new Map<string, number>();

  console.log('\nshape (MxKxN)      thr   edge-int8 GOPS   ort GOPS   x ort   x ort async   x js   %peak   weights GB/s  %read-bw');
  for (const { m, k, n } of shapes) {
    const bData = randomInt8(k * n, k * 31 + n);
    const aData = new Uint8Array(randomInt8(m * k, m + k).buffer);
    const c = makeCase(m, k, n, aData, bData);
    const ops = 2 * m * n * k;
    const weightBytes = k * n;

    // Plain JS: single-threaded by nature; measured once per (k, n) on at most 4 rows (its GOPS
    // does not depend on M).
    const jsKey = `${k}x${n}`;
    if (!jsGops.has(jsKey)) {
      const jm = Math.min(m, 4);
      const jsOut = new Int32Array(jm * n);
      const t = timeSync('js', () => jsMatmulInt32(aData, 128, bData, jm, k, n, jsOut), quick ? 0.05 : 0.2);
      jsGops.set(jsKey, (2 * jm * n * k) / t / 1e9);
    }
    for (const threads of threadList) {
      ei8.setThreads(threads);
      const session = await ort.InferenceSession.create(c.model,
        { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
      const relDiff = await compareOutputs(c, session);
      const ours: number[] = [];
      const oursAsync: number[] = [];
      const theirs: number[] = [];
      // The read-bandwidth probe runs beside each timing of ours (same buffer size and threads), so
      // that the ratio compares two figures taken under the same load on this shared machine.
      const bwRatios: number[] = [];
      const probeBw: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const t = timeSync('edge-int8', c.run, minTime);
        const bw = native.probeReadBandwidth(Math.max(weightBytes, 1 << 16), threads);
        ours.push(t);
        probeBw.push(bw);
        bwRatios.push(weightBytes / t / bw);
        theirs.push(await timeAsync('onnxruntime', () => session.run(c.feeds), minTime));
        // onnxruntime-node's run() is async only: ours the same way too, timed by the same harness.
        oursAsync.push(await timeAsync('edge-int8 async', c.runAsync, minTime));
      }
      await session.release();
      const tOurs = median(ours);
      const tOrt = median(theirs);
      const gops = ops / tOurs / 1e9;
      const ortGops = ops / tOrt / 1e9;
      const peak = peakByThreads.get(threads)!;
      const gbps = weightBytes / tOurs / 1e9;
      const row = {
        kind, m, k, n, threads, isa, gops, ortGops, vsOrt: tOrt / tOurs, vsOrtAsync: tOrt / median(oursAsync),
        vsJs: gops / jsGops.get(jsKey)!,
        peakGmacs: peak / 1e9, pctPeak: peak ? (100 * gops) / (2 * peak / 1e9) : null,
        weightsGBps: gbps, readBwGBps: median(probeBw) / 1e9, pctReadBw: 100 * median(bwRatios),
        secondsOurs: tOurs, secondsOrt: tOrt, relDiffToOrt: relDiff,
      };
      rows.push(row);
      console.log(`${`${m}x${k}x${n}`.padEnd(18)} ${String(threads).padStart(3)}   ${gops.toFixed(1).padStart(14)}   ${ortGops.toFixed(1).padStart(8)}   ` +
        `${row.vsOrt.toFixed(2).padStart(5)}   ${row.vsOrtAsync.toFixed(2).padStart(11)}  ${row.vsJs.toFixed(0).padStart(5)}   ${row.pctPeak?.toFixed(0).padStart(5)}   ` +
        `${gbps.toFixed(1).padStart(12)}  ${row.pctReadBw.toFixed(0).padStart(8)}`);
    }
    c.weights.dispose();
  }
  const file = writeResults(kind === 'int32' ? 'matmul' : `matmul-${kind}`, rows, env);
  console.log(`\n${envLine(env)}\nresults: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
