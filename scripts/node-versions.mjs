// Official Node.js releases other than the host's, from npm (scripts/runtimes/node-<os>-<arch>), so
// that the JS suite and the package smoke test also run under the oldest Node that package.json's
// engines allows and under the current LTS and newest lines, and the arm64 package check under the
// same releases for arm64 (qemu). Installed on first use.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

// { nodes: [{ name, version, bin }], error }: error says why none could be had (an unsupported host,
// a failed install); nodes is then empty. platform and arch pick the releases' folder (default: the
// host's); for another arch, emulate(bin, args) runs a binary as spawnSync would (qemu-user).
export function otherNodes({ platform = process.platform, arch = process.arch, emulate = null } = {}) {
  const folder = path.join(root, 'scripts', 'runtimes', `node-${platform}-${arch}`);
  const manifest = path.join(folder, 'package.json');
  if (!fs.existsSync(manifest)) return { nodes: [], error: `no ${path.relative(root, folder)} for this host` };
  const names = Object.keys(JSON.parse(fs.readFileSync(manifest, 'utf8')).optionalDependencies);
  const binOf = (name) => path.join(folder, 'node_modules', name, 'bin', 'node');
  if (!names.every((name) => fs.existsSync(binOf(name)))) {
    // Optional dependencies for another CPU are installed only when npm is told that CPU.
    const target = platform === process.platform && arch === process.arch ? [] : [`--cpu=${arch}`, `--os=${platform}`];
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', ...target], { cwd: folder, encoding: 'utf8' });
    if (r.status !== 0) return { nodes: [], error: `npm ci in ${folder} failed:\n${`${r.stdout}${r.stderr}`.slice(-2000)}` };
  }
  const nodes = [];
  for (const name of names) {
    const r = emulate ? emulate(binOf(name), ['--version']) : spawnSync(binOf(name), ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) return { nodes: [], error: `${binOf(name)} does not run: ${r.stderr || r.error?.message}` };
    nodes.push({ name, version: r.stdout.trim(), bin: binOf(name) });
  }
  return { nodes, error: null };
}
