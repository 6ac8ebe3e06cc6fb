// Acceptance of the shipped package: `npm pack` (with prebuilds/ inside), install the tarball into a
// fresh folder with no C/C++ compiler on PATH, then load it from Node (ESM and CommonJS; the host's
// and other releases), Bun and Deno, and type-check a TypeScript consumer against it. Prints one
// "N passed, N failed" line over all of them.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { otherNodes } from './node-versions.mjs';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

const prebuild = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.node');
run('npm', ['run', 'prebuildify']); // always fresh: a stale prebuild would test old code
if (!fs.existsSync(prebuild)) throw new Error(`prebuildify did not write ${prebuild}`);

// Portability of the prebuild: the newest glibc symbol version it needs (old Jetson / Raspberry Pi
// images run glibc 2.31 or older; 2.17 is the floor on x86-64 because of clock_gettime).
const MAX_GLIBC = { x64: '2.17', arm64: '2.17', arm: '2.17' }[process.arch];
const symbols = spawnSync('objdump', ['-T', prebuild], { encoding: 'utf8' }).stdout ?? '';
const glibc = [...new Set([...symbols.matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]))]
  .sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop();
console.log(`prebuild needs GLIBC_${glibc} at most`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-int8-pkg-'));
const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
const tarball = path.join(work, packed);
const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' });
let passed = 0;
let failed = 0;
const expect = (name, ok) => {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAIL ${name}`);
  }
};
const older = (a, b) => a.localeCompare(b, undefined, { numeric: true }) <= 0;
expect(`prebuild needs GLIBC_${glibc} <= ${MAX_GLIBC}`, glibc !== undefined && older(glibc, MAX_GLIBC));
for (const entry of ['package/prebuilds/linux-x64/node.napi.node', 'package/dist/index.js', 'package/dist/index.mjs',
  'package/dist/index.d.ts', 'package/binding.gyp', 'package/sources.gypi', 'package/CMakeLists.txt', 'package/csrc/include/edge_int8.h']) {
  if (!entry.includes(`${process.platform}-${process.arch}`) && entry.includes('prebuilds/')) continue;
  expect(`tarball contains ${entry}`, listing.includes(entry));
}

// A PATH with node, npm and the runtimes only: no cc, c++, g++, make or python.
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
const link = (name, target) => target && fs.existsSync(target) && fs.symlinkSync(fs.realpathSync(target), path.join(bin, name));
link('sh', '/bin/sh');
for (const tool of ['node', 'npm', 'npx']) link(tool, execFileSync('which', [tool], { encoding: 'utf8' }).trim());
link('bun', path.join(root, 'node_modules', 'bun', 'bin', 'bun.exe'));
const denoBin = ['deno-linux-x64-glibc', 'deno-linux-arm64-glibc'].map((p) => path.join(root, 'node_modules', '@deno', p.replace('deno-', ''), 'deno'))
  .find((p) => fs.existsSync(p));
link('deno', denoBin);
const env = { ...process.env, PATH: bin, npm_config_nodedir: '', CC: '', CXX: '' };
for (const compiler of ['cc', 'c++', 'g++', 'gcc', 'make']) {
  expect(`no ${compiler} on the install PATH`, spawnSync('sh', ['-c', `command -v ${compiler}`], { env }).status !== 0);
}

const app = path.join(work, 'app');
fs.mkdirSync(app);
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: app, env, stdio: 'inherit' });
expect('npm install of the tarball without a compiler', install.status === 0);
const built = fs.existsSync(path.join(app, 'node_modules', 'edge-int8', 'build'));
expect('the prebuild was used (nothing compiled)', !built);
for (const file of ['smoke.mjs', 'smoke.cjs']) fs.copyFileSync(path.join(root, 'test', 'runtimes', file), path.join(app, file));

function smoke(label, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
  const m = /(\d+) passed, (\d+) failed/.exec(r.stdout);
  expect(`${label} ran`, r.status === 0 && m !== null);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
}
smoke('node esm', 'node', ['smoke.mjs']);
smoke('node cjs', 'node', ['smoke.cjs']);
// The same under the other Node.js releases (the oldest engines allows, the LTS lines, the newest).
const others = otherNodes();
if (others.error) expect(`other Node.js releases: ${others.error}`, !process.env.CI);
for (const { version, bin: node } of others.nodes) {
  smoke(`node ${version} esm`, node, ['smoke.mjs']);
  smoke(`node ${version} cjs`, node, ['smoke.cjs']);
}
if (fs.existsSync(path.join(bin, 'bun'))) smoke('bun', 'bun', ['smoke.mjs']);
else expect('bun is installed (npm devDependency)', false);
if (fs.existsSync(path.join(bin, 'deno'))) smoke('deno', 'deno', ['run', '-A', 'smoke.mjs']);
else expect('deno is installed (npm devDependency)', false);

// TypeScript users: the package's types resolve through "exports" under each module resolution a
// project may use (test/runtimes/types; the root's typescript, run by the host's node).
const typesDir = path.join(root, 'test', 'runtimes', 'types');
for (const f of fs.readdirSync(typesDir)) fs.copyFileSync(path.join(typesDir, f), path.join(app, f));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const [label, flags, files] of [
  ['nodenext (ESM and CommonJS)', ['--module', 'nodenext', '--moduleResolution', 'nodenext'], ['esm.mts', 'cjs.cts']],
  ['bundler', ['--module', 'esnext', '--moduleResolution', 'bundler'], ['bundler.ts']],
  ['node10', ['--module', 'commonjs', '--moduleResolution', 'node10'], ['bundler.ts']],
]) {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', ...flags, ...files],
    { cwd: app, env, encoding: 'utf8' });
  if (r.status !== 0) process.stdout.write(r.stdout + r.stderr);
  expect(`types resolve and check under moduleResolution ${label}`, r.status === 0);
}

fs.rmSync(work, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
