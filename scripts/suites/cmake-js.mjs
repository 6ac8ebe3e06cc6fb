// The second build system: the addon built by cmake-js from CMakeLists.txt (the same sources.gypi
// lists as binding.gyp, its own flags per ISA library), then the JS suite against that binary.
// node-gyp-build looks for it under $EDGE_INT8_PREBUILD/build/Release, so the node-gyp build in
// build/ is left alone. Prints "N passed, N failed".
import fs from 'node:fs';
import path from 'node:path';
import { JS_SUITE, runStep } from '../jobs.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.join(root, 'build-cmakejs');
const addon = path.join(outDir, 'build', 'Release', 'edge_int8.node');
let passed = 0;
let failed = 0;

fs.rmSync(outDir, { recursive: true, force: true });
// Through npm, as a user runs it: npm passes its config (nodedir, where Node's headers are) on.
const build = runStep('npm', ['run', '-s', 'build:cmake', '--', '--out', path.join(outDir, 'build')], {
  timeout: 15 * 60 * 1000, ignoreCounts: true, label: 'cmake-js compile',
});
if (!build.ok || !fs.existsSync(addon)) {
  console.log(`FAIL cmake-js did not build ${path.relative(root, addon)}`);
  failed++;
} else {
  passed++;
  const env = { EDGE_INT8_PREBUILD: outDir, PREBUILDS_ONLY: '' };
  // Which file was loaded: the suite must not pass on node-gyp's build or a prebuild.
  const probe = runStep(process.execPath, ['-e',
    `const p = require('node-gyp-build').resolve(${JSON.stringify(root)});
     console.log(p === ${JSON.stringify(addon)} ? '1 passed, 0 failed' : 'loads ' + p + '\\n0 passed, 1 failed');`], { env });
  passed += probe.passed;
  failed += probe.failed;
  const js = runStep(process.execPath, JS_SUITE, {
    env, timeout: 10 * 60 * 1000, label: 'js (cmake-js build)',
  });
  passed += js.passed;
  failed += js.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
