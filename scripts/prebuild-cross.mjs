// Cross-compiled prebuild for an ARM Linux target, on an x86-64 (or any) Linux host:
//   node scripts/prebuild-cross.mjs linux-arm64   (npm run prebuildify:linux-arm64)
//   node scripts/prebuild-cross.mjs linux-arm     (npm run prebuildify:linux-arm, 32-bit armv7 hard-float)
// Writes prebuilds/<platform>-<arch>/node.napi.armv<N>.node: the name node-gyp-build matches on
// that architecture (its armv tag must equal the running CPU's, 8 on arm64) and the one
// @electron/rebuild looks for (node.napi.armv8.node / node.napi.armv7.node). Then prints the
// highest GLIBC_ symbol version the file needs and fails above 2.17, or if it links libstdc++
// dynamically (libstdc++ is static; its references to newer glibc are bound by
// csrc/napi/glibc_compat.cc; the unwinder is the system's libgcc_s, as for the x64 prebuild).
//
// The build runs in a staging folder (.cache/cross-<target>/, sources linked, not copied) so that
// the host's build/Release is left alone: node-gyp-build prefers build/Release to prebuilds/.
// Needs Debian's g++-aarch64-linux-gnu (or g++-arm-linux-gnueabihf) and Node's headers, which
// node-gyp takes from npm's nodedir (run it through npm) or, failing that, from beside this node.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export const TARGETS = {
  'linux-arm64': { triple: 'aarch64-linux-gnu', arch: 'arm64', armv: '8' },
  'linux-arm': { triple: 'arm-linux-gnueabihf', arch: 'arm', armv: '7' },
};

export function prebuildPath(target) {
  const t = TARGETS[target];
  return path.join(root, 'prebuilds', target, `node.napi.armv${t.armv}.node`);
}

export function missingTools(target) {
  const t = TARGETS[target];
  return [`${t.triple}-g++`, `${t.triple}-gcc`, `${t.triple}-strip`, `${t.triple}-objdump`, `${t.triple}-ar`].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

// Node's headers without the network: npm's nodedir (npm sets npm_config_nodedir for scripts), or
// the include/node folder beside the running node.
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const beside = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(beside, 'include', 'node', 'node_api.h'))) return beside;
  return null;
}

// The highest GLIBC_x.y among the dynamic symbols the file imports, and its NEEDED libraries.
export function linkReport(file, triple) {
  const symbols = execFileSync(`${triple}-objdump`, ['-T', file], { encoding: 'utf8' });
  const versions = [...symbols.matchAll(/\(GLIBC_([0-9.]+)\)/g)].map((m) => m[1]);
  const key = (v) => v.split('.').map(Number);
  versions.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
  const needing = (v) => [...symbols.matchAll(new RegExp(`\\(GLIBC_${v.replace(/\./g, '\\.')}\\)\\s+(\\S+)`, 'g'))].map((m) => m[1]);
  const dynamic = execFileSync(`${triple}-objdump`, ['-p', file], { encoding: 'utf8' });
  const needed = [...dynamic.matchAll(/NEEDED\s+(\S+)/g)].map((m) => m[1]);
  const highest = versions.pop() ?? null;
  return { highest, highestSymbols: highest ? needing(highest) : [], needed };
}

export const MAX_GLIBC = '2.17';

// What makes a prebuild unportable: a glibc symbol version newer than MAX_GLIBC, or libstdc++
// linked dynamically.
export function checkPortable(report) {
  const problems = [];
  if (!report.highest || report.highest.localeCompare(MAX_GLIBC, undefined, { numeric: true }) > 0)
    problems.push(`needs GLIBC_${report.highest} (at most ${MAX_GLIBC} wanted)`);
  if (report.needed.some((n) => /libstdc\+\+/.test(n))) problems.push('links libstdc++ dynamically (expected -static-libstdc++)');
  return problems;
}

function stage(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const entries = ['binding.gyp', 'csrc', 'node_modules', 'package.json',
    ...fs.readdirSync(root).filter((f) => /^sources.*\.gypi$/.test(f))];
  for (const e of entries) {
    const link = path.join(dir, e);
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.join(root, e), link);
  }
}

export function buildPrebuild(target, { quiet = false } = {}) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target} (one of ${Object.keys(TARGETS).join(', ')})`);
  const missing = missingTools(target);
  if (missing.length) throw new Error(`missing cross tools: ${missing.join(', ')} (Debian: apt-get install g++-${t.triple})`);
  const nodedir = nodeDir();
  if (!nodedir) throw new Error('no Node headers: run through npm (nodedir) or set npm_config_nodedir');

  const staging = path.join(root, '.cache', `cross-${target}`);
  stage(staging);
  const out = prebuildPath(target);
  fs.rmSync(out, { force: true });
  const env = {
    ...process.env,
    npm_config_nodedir: nodedir,
    npm_config_arch: t.arch,
    CC: `${t.triple}-gcc`,
    CXX: `${t.triple}-g++`,
    LINK: `${t.triple}-g++`,
    AR: `${t.triple}-ar`,
    CC_host: 'gcc',
    CXX_host: 'g++',
    PREBUILD_STRIP_BIN: `${t.triple}-strip`,
    PREBUILD_ARMV: t.armv,
  };
  const args = [path.join(root, 'node_modules', 'prebuildify', 'bin.js'), '--napi', '--strip', '--name', 'node.napi',
    '--tag-armv', '--arch', t.arch, '--platform', 'linux', '--out', root, '--cwd', staging];
  const r = spawnSync(process.execPath, args, { cwd: staging, env, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) {
    if (quiet) process.stdout.write(`${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-8000));
    throw new Error(`prebuildify for ${target} failed (status ${r.status})`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2] ?? 'linux-arm64';
  try {
    const file = buildPrebuild(target);
    const { triple } = TARGETS[target];
    const report = linkReport(file, triple);
    console.log(`\nwrote ${path.relative(root, file)} (${fs.statSync(file).size} bytes)`);
    console.log(`NEEDED: ${report.needed.join(' ')}`);
    console.log(`highest GLIBC_ version required: ${report.highest} (${report.highestSymbols.length} symbols, e.g. ${report.highestSymbols.slice(0, 5).join(', ')})`);
    const problems = checkPortable(report);
    for (const p of problems) console.error(`error: ${p}`);
    if (problems.length) process.exitCode = 1;
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  }
}
