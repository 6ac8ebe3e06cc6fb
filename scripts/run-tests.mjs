// `npm test`: every suite, each printing its own counts, then one line "N passed, N failed".
//   cpp      C++ tests (reference values, differential tester of every kernel path), no Node
//   js       uvu tests in TypeScript against the built addon
//   package  npm pack -> install without a compiler -> Node ESM/CJS, Bun, Deno
//   + the suites in scripts/suites/*.mjs (emulated CPUs), each deciding itself whether it can run
// EI8_SUITES=cpp,js limits the run to the named suites.
import fs from 'node:fs';
import path from 'node:path';
import { JS_SUITE, runStep } from './jobs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const only = process.env.EI8_SUITES ? new Set(process.env.EI8_SUITES.split(',')) : null;

const suites = [
  { name: 'build', steps: () => [['npm', 'run', '-s', 'build'], ['npm', 'run', '-s', 'build:ts']], countsIgnored: true },
  { name: 'cpp', steps: () => [['npm', 'run', '-s', 'build:ctest'], ['node', 'scripts/run-cpp-tests.mjs']] },
  { name: 'js', steps: () => [['node', ...JS_SUITE]] },
  { name: 'package', steps: () => [['node', 'scripts/test-package.mjs']] },
];
const suiteDir = path.join(root, 'scripts', 'suites');
if (fs.existsSync(suiteDir)) {
  for (const f of fs.readdirSync(suiteDir).filter((f) => f.endsWith('.mjs')).sort()) {
    suites.push({ name: path.basename(f, '.mjs'), steps: () => [['node', path.join('scripts', 'suites', f)]] });
  }
}

let passed = 0;
let failed = 0;
const summary = [];
for (const suite of suites) {
  if (only && !only.has(suite.name) && suite.name !== 'build') continue;
  const started = Date.now();
  let sp = 0;
  let sf = 0;
  const run = (step) => {
    console.log(`\n=== ${suite.name}: ${step.join(' ')}`);
    // A hung step (a deadlock, an emulator stuck) fails its suite instead of stalling CI.
    const r = runStep(step[0], step.slice(1), { timeout: 20 * 60 * 1000, ignoreCounts: suite.countsIgnored, label: suite.name });
    sp += r.passed;
    sf += r.failed;
    return r.ok;
  };
  for (const step of suite.steps()) if (!run(step)) break; // a failed step stops its suite
  passed += sp;
  failed += sf;
  summary.push(`${suite.name.padEnd(10)} ${String(sp).padStart(7)} passed ${String(sf).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (suite.countsIgnored && sf) break; // nothing else can run without a build
}
console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
