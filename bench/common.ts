/**
 * Benchmarks load the built package (dist/, what users run; `npm run bench` builds it first), not
 * the TypeScript sources through a loader that adds its own per-call cost.
 *
 * Shared pieces of every benchmark: the environment line printed beside each figure, timing with
 * benchmark.js, medians of repeated runs, and the JSON results file (bench/results/<suite>.json)
 * that lets runs on real edge boards be compared.
 */
import Benchmark from 'benchmark';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ei8 from '../dist/index';

export interface BenchEnv {
  date: string;
  cpu: string;
  arch: string;
  features: string[];
  isa: string;
  threads: number;
  node: string;
  edgeInt8: string;
  onnxruntime: string | null;
}

function packageVersion(name: string): string | null {
  try {
    const file = require.resolve(`${name}/package.json`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

// Arm's CPU part numbers (MIDR bits 15:4) of common edge and server cores.
const ARM_PARTS: Record<string, string> = {
  '0xd03': 'Cortex-A53', '0xd04': 'Cortex-A35', '0xd05': 'Cortex-A55', '0xd07': 'Cortex-A57', '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73', '0xd0a': 'Cortex-A75', '0xd0b': 'Cortex-A76', '0xd0c': 'Neoverse-N1', '0xd0d': 'Cortex-A77',
  '0xd40': 'Neoverse-V1', '0xd41': 'Cortex-A78', '0xd44': 'Cortex-X1', '0xd46': 'Cortex-A510', '0xd47': 'Cortex-A710',
  '0xd48': 'Cortex-X2', '0xd49': 'Neoverse-N2', '0xd4b': 'Cortex-A78C', '0xd4f': 'Neoverse-V2', '0xc07': 'Cortex-A7',
  '0xc0f': 'Cortex-A15',
};

export function cpuModel(): string {
  try {
    const text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(text)?.[1] ?? /^Hardware\s*:\s*(.+)$/m.exec(text)?.[1];
    const part = /^CPU part\s*:\s*(.+)$/m.exec(text)?.[1];
    if (model) return model.trim();
    if (part) return ARM_PARTS[part.trim().toLowerCase()] ?? `ARM part ${part.trim()}`;
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function benchEnv(): BenchEnv {
  const info = ei8.cpuInfo();
  return {
    date: new Date().toISOString(),
    cpu: `${cpuModel()} (${os.cpus().length} logical cores)`,
    arch: info.arch,
    features: info.features,
    isa: info.isa,
    threads: ei8.getThreads(),
    node: process.version,
    edgeInt8: (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version,
    onnxruntime: packageVersion('onnxruntime-node'),
  };
}

export function envLine(env: BenchEnv = benchEnv()): string {
  return `${env.cpu} | ${env.arch} [${env.features.join(' ')}] | isa ${ei8.cpuInfo().isa} | threads ${ei8.getThreads()} | ` +
    `node ${env.node} | edge-int8 ${env.edgeInt8} | onnxruntime-node ${env.onnxruntime ?? 'absent'}`;
}

/** The command-line options every suite reads, and `--name value` for its own. */
export function benchOptions(minTimes: { quick: number; full: number } = { quick: 0.1, full: 0.25 }) {
  const argv = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  return {
    argv, arg, quick,
    threads: (arg('threads') ?? '1,2').split(',').map(Number),
    repeats: Number(arg('repeats') ?? (quick ? 1 : 3)),
    /** benchmark.js's minimum time a timing, in seconds. */
    minTime: quick ? minTimes.quick : minTimes.full,
  };
}

/** 'MxKxN,MxKxN,...' as shapes. */
export function parseShapes(list: string): { m: number; k: number; n: number }[] {
  return list.split(',').map((s) => {
    const [m, k, n] = s.split('x').map(Number);
    return { m, k, n };
  });
}

/** Seconds per call of a synchronous function, measured by benchmark.js (its mean after outlier-robust sampling). */
export function timeSync(name: string, fn: () => void, minTime = 0.25): number {
  const b = new Benchmark(name, fn, { minTime, maxTime: Math.max(1, minTime * 4), minSamples: 5 });
  b.run();
  if (b.error) throw b.error;
  return b.stats.mean;
}

/** Seconds per call of an async function (benchmark.js deferred mode). */
export function timeAsync(name: string, fn: () => Promise<unknown>, minTime = 0.25): Promise<number> {
  return new Promise((resolve, reject) => {
    const b = new Benchmark(name, {
      defer: true,
      minTime,
      maxTime: Math.max(1, minTime * 4),
      minSamples: 5,
      fn: (deferred: { resolve(): void }) => { fn().then(() => deferred.resolve(), reject); },
      onComplete: () => (b.error ? reject(b.error) : resolve(b.stats.mean)),
    });
    b.run({ async: true });
  });
}

/**
 * pack() once, or as many times as make up `bytes` (fresh memory each): calls that take the copies
 * in turn read their weights from DRAM once the copies outgrow the last-level cache (--cold / COLD).
 */
export function packCopies<T extends { bytes: number }>(pack: () => T, bytes: number): T[] {
  const first = pack();
  const n = Math.max(1, Math.ceil(bytes / first.bytes));
  return [first, ...Array.from({ length: n - 1 }, pack)];
}

/**
 * One untimed call on every copy, before any call on them is timed. The first read of freshly
 * packed weights from DRAM took 2-8x as long as later ones on this VM (4x4 at 95 %, 4096², 270
 * copies of 1 MB: 210-310 us a call on the first pass, 35-47 on later passes; no page faults
 * counted; cause not found), which leaned --cold figures on how many first reads a measurement
 * held, and COLD A/B ratios on which build packed first (one build against itself: 0.43).
 */
export function callEachOnce<T>(copies: T[], call: (w: T) => void): void {
  if (copies.length > 1) for (const w of copies) call(w);
}

/** A deterministic uniform generator on [0, 1) (inputs that are the same in every run). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Median of `repeats` measurements (the machines are shared and noisy). */
export function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Writes bench/results/<suite>.json with the environment and the rows. */
export function writeResults(suite: string, rows: unknown[], env: BenchEnv = benchEnv()): string {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ suite, env, rows }, null, 2)}\n`);
  return file;
}
