/**
 * Dispatch: the best path this CPU supports is chosen, every usable path computes the same
 * integers, and a path the CPU supports is never missing from a build that contains it.
 * EI8_EXPECT_ISA (set by the emulated-CPU suites) names the path that must be chosen.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, qtensor, randomBytes, rng } from './helpers';

// CPU features (as cpuInfo reports them) each kernel path needs; written independently of the
// native registry so that a path that silently drops out of `available` is caught.
const NEEDS: Record<string, string[]> = {
  sse41: ['sse4.1'],
  avx2: ['avx2'],
  avxvnni: ['avx2', 'avxvnni'],
  avx512vnni: ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512vnni'],
  amx: ['amx-int8', 'amx-permitted'],
  neon: ['neon'],
  dotprod: ['dotprod'],
  i8mm: ['i8mm'],
};

test('the chosen path is the best available one (and the expected one under emulation)', () => {
  const info = ei8.cpuInfo();
  console.log(`isa ${info.isa} of [${info.available.join(', ')}] on ${info.arch} [${info.features.join(' ')}]`);
  assert.is(info.isa, info.available[info.available.length - 1]);
  if (process.env.EI8_EXPECT_ISA) assert.is(info.isa, process.env.EI8_EXPECT_ISA);
});

test('every built path whose CPU features are present is available', () => {
  const info = ei8.cpuInfo();
  for (const path of info.built) {
    const needs = NEEDS[path];
    if (!needs) continue;
    const supported = needs.every((f) => info.features.includes(f));
    assert.is(info.available.includes(path), supported, `${path}: needs ${needs.join(', ')}`);
  }
});

test('an x86-64 build contains every x86 path, AMX included', () => {
  const info = ei8.cpuInfo();
  if (info.arch !== 'x64') return;
  for (const path of ['sse41', 'avx2', 'avxvnni', 'avx512vnni', 'amx']) assert.ok(info.built.includes(path), `${path} built`);
});

test('every available path runs and returns the same integers', () => {
  const rand = rng(99);
  const m = 9, k = 77, n = 41;
  const b = ei8.packWeights({ data: randomBytes(rand, k * n, 'int8'), shape: [k, n], quant: { dtype: 'int8', scale: 0.1, zeroPoint: 0 } });
  const a = qtensor(randomBytes(rand, m * k, 'uint8'), [m, k], 0.1, 131);
  const results = new Map<string, number[]>();
  try {
    for (const isa of ei8.cpuInfo().available) {
      ei8.setIsa(isa);
      const before = ei8.isaCalls(isa);
      results.set(isa, Array.from(ei8.matmulInt32(a, b)));
      assert.is(ei8.isaCalls(isa), before + 1, `${isa} served the call`);
    }
  } finally {
    ei8.setIsa('auto');
  }
  const want = results.get('ref')!;
  for (const [isa, got] of results) assert.equal(got, want, isa);
});

// cpuInfo() of a fresh process with EI8_CPU_DISABLE set (or not): features are read once per process.
function childCpuInfo(disable?: string): { features: string[]; available: string[] } {
  const env = { ...process.env };
  delete env.EI8_CPU_DISABLE;
  if (disable !== undefined) env.EI8_CPU_DISABLE = disable;
  const index = JSON.stringify(path.join(__dirname, '..', 'ts', 'index.ts'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `console.log(JSON.stringify(require(${index}).cpuInfo()))`],
    { env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('EI8_CPU_DISABLE hides features, and the features that need them, from dispatch', () => {
  // x64 only: the child runs natively on the host, also when this suite runs under qemu-user.
  if (ei8.cpuInfo().arch !== 'x64') return;
  const base = childCpuInfo();
  const noVbmi = childCpuInfo('avx512vbmi');
  assert.equal(noVbmi.features, base.features.filter((f) => f !== 'avx512vbmi'));
  assert.equal(noVbmi.available, base.available);
  // Unknown names are ignored; commas or spaces separate.
  const noAvx2 = childCpuInfo('fma, avx2,no-such-feature');
  assert.equal(noAvx2.features, base.features.filter((f) => f === 'sse4.1' || f === 'avx'));
  assert.equal(noAvx2.available, ['ref', 'scalar', 'sse41']);
});

test.run();
