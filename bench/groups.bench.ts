/**
 * Weights quantized per group along K, the way LLM weights ship (int8, symmetric, one scale per
 * `groupSize` consecutive k of an output column), f32 in and out: `matmulF32` (A quantized per row
 * on the fly). In the same run: onnxruntime-node's MatMulNBits with bits = 8 on the same int8
 * weights and group scales (com.microsoft; B and scales initializers; accuracy_level 4, int8
 * compute), the same call on the same weights with one scale per column (what the groups cost),
 * and for GEMV rows the bytes read (weights and group scales) against the read probe.
 * Usage: node --import tsx bench/groups.bench.ts [--quick] [--threads 1,2] [--shapes MxKxN,...]
 *        [--groups 32,128] [--repeats N] [--isa avx2]
 */
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import * as ei8 from '../dist/index';
import { native } from '../dist/native';
import { benchEnv, benchOptions, envLine, lcg, median, parseShapes, timeAsync, timeSync, writeResults } from './common';
import { buildModel } from './onnx-model';

const { arg, threads: threadList, repeats, minTime } = benchOptions();
const groupList = (arg('groups') ?? '32,128').split(',').map(Number);
const shapes = parseShapes(arg('shapes') ?? '1x4096x4096,1x4096x11008,1x11008x4096,16x4096x4096,16x4096x11008');

/** MatMulNBits, 8 bits: B is [N, K / g, g] uint8 (q + 128, the default zero point), scales [N, K / g]. */
function matMulNBitsModel(m: number, k: number, n: number, g: number, qNK: Int8Array,
  scales: Float32Array): Uint8Array {
  const b = new Uint8Array(qNK.length);
  for (let i = 0; i < qNK.length; i++) b[i] = qNK[i] + 128;
  const int = (name: string, i: number): onnx.IAttributeProto =>
    ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  return buildModel({
    op: 'MatMulNBits', domain: 'com.microsoft',
    inputs: [{ name: 'A', type: onnx.TensorProto.DataType.FLOAT, dims: [m, k] }],
    initializers: [
      { name: 'B', dims: [n, k / g, g], type: 'uint8', data: b },
      { name: 'scales', dims: [n * (k / g)], type: 'float32', data: scales },
    ],
    nodeInputs: ['A', 'B', 'scales'],
    output: { name: 'Y', type: onnx.TensorProto.DataType.FLOAT, dims: [m, n] },
    attributes: [int('K', k), int('N', n), int('bits', 8), int('block_size', g), int('accuracy_level', 4)],
  });
}

async function main(): Promise<void> {
  if (arg('isa')) ei8.setIsa(arg('isa')!);
  const env = benchEnv();
  console.log(envLine(env));
  console.log('\nshape (MxKxN)      group  thr   edge-int8 GOPS   ort GOPS   x ort   per-column GOPS   ' +
    'x per-column   weights GB/s  %read-bw');
  const rows: Record<string, unknown>[] = [];
  for (const { m, k, n } of shapes) {
    const rand = lcg(k * 31 + n);
    // [N, K] ('nk'): a group is a run of one row, as in MatMulNBits' B.
    const q = Int8Array.from({ length: n * k }, () => Math.floor(rand() * 255) - 127);
    const x = Float32Array.from({ length: m * k }, () => rand() - 0.5);
    const out = new Float32Array(m * n);
    const columnScales = Float32Array.from({ length: n }, () => 1e-3 + rand() * 1e-2);
    const perColumn = ei8.packWeights(
      { data: q, shape: [n, k], quant: { dtype: 'int8', scale: columnScales, zeroPoint: new Int32Array(n), axis: 0 } },
      { layout: 'nk' });
    for (const g of groupList) {
      const scales = Float32Array.from({ length: n * (k / g) }, () => 1e-3 + rand() * 1e-2);
      const zeroPoint = new Int32Array(scales.length);
      const quant = { dtype: 'int8' as const, scale: scales, zeroPoint, axis: 1, groupSize: g };
      const grouped = ei8.packWeights({ data: q, shape: [n, k], quant }, { layout: 'nk' });
      const model = matMulNBitsModel(m, k, n, g, q, scales);
      const bytes = n * k + scales.byteLength;
      const feeds = { A: new ort.Tensor('float32', x, [m, k]) };
      for (const threads of threadList) {
        ei8.setThreads(threads);
        const session = await ort.InferenceSession.create(model, {
          intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
        });
        const ours: number[] = [], theirs: number[] = [], columns: number[] = [], bwRatios: number[] = [];
        for (let r = 0; r < repeats; r++) {
          const t = timeSync('edge-int8', () => ei8.matmulF32(x, [m, k], grouped, { out }), minTime);
          ours.push(t);
          if (m <= 2) bwRatios.push(bytes / t / native.probeReadBandwidth(bytes, threads));
          columns.push(timeSync('per column', () => ei8.matmulF32(x, [m, k], perColumn, { out }), minTime));
          theirs.push(await timeAsync('onnxruntime', () => session.run(feeds), minTime));
        }
        await session.release();
        const ops = 2 * m * k * n;
        const row = {
          m, k, n, group: g, threads, isa: ei8.cpuInfo().isa,
          gops: ops / median(ours) / 1e9, ortGops: ops / median(theirs) / 1e9, vsOrt: median(theirs) / median(ours),
          perColumnGops: ops / median(columns) / 1e9, vsPerColumn: median(columns) / median(ours),
          weightsGBps: bytes / median(ours) / 1e9, pctReadBw: bwRatios.length ? 100 * median(bwRatios) : null,
        };
        rows.push(row);
        const pct = row.pctReadBw === null ? '—' : row.pctReadBw.toFixed(0);
        console.log(`${`${m}x${k}x${n}`.padEnd(18)} ${String(g).padStart(5)}  ${String(threads).padStart(3)}   ` +
          `${row.gops.toFixed(1).padStart(14)}   ${row.ortGops.toFixed(1).padStart(8)}   ` +
          `${row.vsOrt.toFixed(2).padStart(5)}   ` +
          `${row.perColumnGops.toFixed(1).padStart(15)}   ${row.vsPerColumn.toFixed(2).padStart(12)}   ` +
          `${row.weightsGBps.toFixed(1).padStart(12)}  ${pct.padStart(8)}`);
      }
      grouped.dispose();
    }
    perColumn.dispose();
  }
  const file = writeResults('groups', rows, env);
  console.log(`\n${envLine(env)}\nresults: ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
