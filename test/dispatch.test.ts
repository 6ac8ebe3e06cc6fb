/**
 * Dispatch: the best path this CPU supports is chosen, every usable path computes the same
 * integers, and a path the CPU supports is never missing from a build that contains it.
 * EI8_EXPECT_ISA (set by the emulated-CPU suites) names the path that must be chosen.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ei8, qtensor, randomBytes, rng } from './helpers';

// CPU features (as cpuInfo reports them) each kernel path needs; written independently of the
// native registry so that a path that silently drops out of `available` is caught.
const NEEDS: Record<string, string[]> = {
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
  for (const path of ['avx2', 'avxvnni', 'avx512vnni', 'amx']) assert.ok(info.built.includes(path), `${path} built`);
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

test.run();
