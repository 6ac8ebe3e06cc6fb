// Dispatch on other x86-64 CPUs, emulated by qemu-user with the host's node and this build:
//   Haswell  (AVX2, no AVX-512 / VNNI)  -> the avx2 path must be chosen and stay exact;
//   Nehalem  (SSE4.2, no AVX)           -> no SIGILL, the sse41 path chosen and exact;
//   and natively, on a host with AVX-512 VBMI (Linux's flag avx512vbmi; qemu has no AVX-512), the JS
//   suite with EI8_CPU_DISABLE=avx512vbmi: the avx512vnni path as on Cascade Lake, SELL by zmm
//   lookups instead of vpermi2b.
// Runs the JS suite (EI8_EXPECT_ISA makes test/dispatch.test.ts assert the choice) and the C++
// tests (reference values + differential tester). Prints "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JS_SUITE, counts, pool, run } from '../jobs.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
let passed = 0;
let failed = 0;

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

if (process.arch !== 'x64') {
  console.log('x86-emulated: not an x86-64 host, nothing to do');
  finish();
} else if (spawnSync('qemu-x86_64', ['-version']).status !== 0) {
  console.log('x86-emulated: qemu-x86_64 not found (Debian package qemu-user)');
  if (process.env.CI) failed++;
  finish();
} else {
  const cppDir = path.join(root, 'build-cmake');
  const cppTests = fs.existsSync(cppDir) ? fs.readdirSync(cppDir).filter((f) => f.endsWith('_test')).sort() : [];
  if (cppTests.length === 0) {
    console.log('x86-emulated: build-cmake/ has no C++ tests (run npm run build:ctest)');
    failed++;
  }
  // Each emulated process keeps about one core busy: two at a time, reported in a fixed order.
  const jobs = [];
  const jsSuite = [process.execPath, ...JS_SUITE];
  for (const [cpu, isa] of [['Haswell', 'avx2'], ['Nehalem', 'sse41']]) {
    jobs.push([`${cpu} js`, ['-cpu', cpu, ...jsSuite], { EI8_EXPECT_ISA: isa }]);
    for (const t of cppTests) jobs.push([`${cpu} ${t}`, ['-cpu', cpu, path.join(cppDir, t)], {}]);
  }
  if (/\savx512vbmi(\s|$)/m.test(fs.readFileSync('/proc/cpuinfo', 'utf8'))) {
    jobs.push(['no-VBMI js', jsSuite, { EI8_CPU_DISABLE: 'avx512vbmi', EI8_EXPECT_ISA: 'avx512vnni' }, 'native']);
  }
  const start = ([, args, env, native]) => () => {
    const [cmd, argv] = native ? [args[0], args.slice(1)] : ['qemu-x86_64', args];
    return run(cmd, argv, { env: { ...process.env, ...env } });
  };
  const results = await pool(jobs.map(start), 2);
  jobs.forEach(([label], i) => {
    const { status, out: raw } = results[i];
    const out = raw.split('\n').filter((l) => !l.includes('TCG doesn\'t support')).join('\n');
    const c = counts(out);
    const isaLine = /path \w+\s+calls \d+|isa \w+ of \[[^\]]*\]/g;
    console.log(`--- ${label}: exit ${status} ${(out.match(isaLine) ?? []).join('; ')}`);
    if (status !== 0) console.log(out.split('\n').slice(-30).join('\n'));
    if (c) {
      passed += c.passed;
      failed += c.failed;
    }
    if (status !== 0 && (!c || c.failed === 0)) failed++;
  });
  finish();
}
