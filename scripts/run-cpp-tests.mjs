// Runs every C++ test executable built into build-cmake/ (or the folder given) and sums their counts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..', 'build-cmake'));
const wrapper = process.argv.slice(3); // e.g. an emulator command to prefix
let passed = 0;
let failed = 0;
for (const test of fs.readdirSync(dir).filter((f) => f.endsWith('_test')).sort()) {
  const cmd = [...wrapper, path.join(dir, test)];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  process.stdout.write(`--- ${test}\n${r.stdout}${r.stderr}`);
  const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0 && (!m || Number(m[2]) === 0)) failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
