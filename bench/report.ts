/**
 * Turns bench/results/matmul.json into the Markdown table of docs/benchmarks.md:
 * node --import tsx bench/report.ts [results.json] > table.md
 */
import fs from 'node:fs';
import path from 'node:path';

interface Row {
  m: number; k: number; n: number; threads: number; isa: string; gops: number; ortGops: number; vsOrt: number; vsOrtAsync?: number; vsJs: number;
  pctPeak: number | null; weightsGBps: number; readBwGBps: number; pctReadBw: number;
}
const file = process.argv[2] ?? path.join(__dirname, 'results', 'matmul.json');
const { env, rows } = JSON.parse(fs.readFileSync(file, 'utf8')) as { env: Record<string, unknown>; rows: Row[] };
const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
console.log(`Machine: ${env.cpu}, ${env.arch} [${(env.features as string[]).join(' ')}]; node ${env.node}, ` +
  `edge-int8 ${env.edgeInt8}, onnxruntime-node ${env.onnxruntime}; ${env.date}\n`);
console.log('| M×K×N | threads | isa | edge-int8 GOPS | onnxruntime GOPS | × onnxruntime | async × onnxruntime | × plain JS | % of ISA peak | weights GB/s | % of read BW |');
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.m}×${r.k}×${r.n} | ${r.threads} | ${r.isa} | ${f(r.gops)} | ${f(r.ortGops)} | ${f(r.vsOrt, 2)} | ${f(r.vsOrtAsync ?? null, 2)} | ${f(r.vsJs, 0)} | ` +
    `${f(r.pctPeak, 0)} | ${f(r.weightsGBps)} | ${r.m <= 4 ? f(r.pctReadBw, 0) : '—'} |`);
}
