// Dispatch on other x86-64 CPUs, emulated by qemu-user with the host's node and this build:
//   Haswell  (AVX2, no AVX-512 / VNNI)  -> the avx2 path must be chosen and stay exact;
//   Nehalem  (SSE4.2, no AVX)           -> no SIGILL, the portable path chosen.
// Runs the JS suite (EI8_EXPECT_ISA makes test/dispatch.test.ts assert the choice) and the C++
// tests (reference values + differential tester). Prints "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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
  const counts = (text) => {
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
    const ours = [...plain.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
    if (ours) return [Number(ours[1]), Number(ours[2])];
    const total = /Total:\s+(\d+)/.exec(plain);
    const pass = /Passed:\s+(\d+)/.exec(plain);
    return total && pass ? [Number(pass[1]), Number(total[1]) - Number(pass[1])] : null;
  };
  const run = (label, args, env = {}) => {
    const r = spawnSync('qemu-x86_64', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
    const out = `${r.stdout}${r.stderr}`.split('\n').filter((l) => !l.includes('TCG doesn\'t support')).join('\n');
    const c = counts(out);
    const isaLine = /path \w+\s+calls \d+|isa \w+ of \[[^\]]*\]/g;
    console.log(`--- ${label}: exit ${r.status}${r.signal ? ` signal ${r.signal}` : ''} ${(out.match(isaLine) ?? []).join('; ')}`);
    if (r.status !== 0) console.log(out.split('\n').slice(-30).join('\n'));
    if (c) {
      passed += c[0];
      failed += c[1];
    }
    if (r.status !== 0 && (!c || c[1] === 0)) failed++;
  };
  const cppDir = path.join(root, 'build-cmake');
  const cppTests = fs.existsSync(cppDir) ? fs.readdirSync(cppDir).filter((f) => f.endsWith('_test')).sort() : [];
  if (cppTests.length === 0) {
    console.log('x86-emulated: build-cmake/ has no C++ tests (run npm run build:ctest)');
    failed++;
  }
  for (const [cpu, isa] of [['Haswell', 'avx2'], ['Nehalem', 'scalar']]) {
    run(`${cpu} js`, ['-cpu', cpu, process.execPath, '--import', 'tsx', 'node_modules/uvu/bin.js', 'test', '.*\\.test\\.ts$'],
      { EI8_EXPECT_ISA: isa });
    for (const t of cppTests) run(`${cpu} ${t}`, ['-cpu', cpu, path.join(cppDir, t)]);
  }
  finish();
}
