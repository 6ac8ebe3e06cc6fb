// `npm run test:sanitize`: the C++ tests and the JS suite under AddressSanitizer and
// UndefinedBehaviorSanitizer, every report fatal. Linux, GCC or Clang. Opt-in, not part of `npm test`:
// the sanitized builds would nearly double CI's time (9 minutes on this 2-core machine).
//   cpp  a CMake build of the test executables with the sanitizers in build-sanitize/cpp, each run
//   js   the addon built by node-gyp with the sanitizers in a copy of the tracked files
//        (build-sanitize/pkg, so that build/Release stays the build that ships), and the uvu suite
//        run there in a node with the sanitizer runtimes preloaded (node itself is not instrumented)
// Prints each part's counts, then "N passed, N failed".
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JS_SUITE, runStep } from './jobs.mjs';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'build-sanitize');
const flags = '-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined';
const cxx = process.env.CXX ?? 'g++';
const runtime = (lib) => execFileSync(cxx, [`-print-file-name=${lib}`], { encoding: 'utf8' }).trim();

let passed = 0;
let failed = 0;

// One step (scripts/jobs.mjs runStep), its counts added when `counted`; false when it failed.
function step(cmd, args, opts = {}) {
  console.log(`\n=== ${[cmd, ...args].join(' ')}`);
  const r = runStep(cmd, args, { cwd: opts.cwd, env: opts.env, ignoreCounts: !opts.counted });
  passed += r.passed;
  failed += r.failed;
  return r.ok;
}

const cpp = path.join(out, 'cpp');
if (
  step('cmake', ['-S', root, '-B', cpp, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DEDGE_INT8_TESTS=ON',
    `-DCMAKE_CXX_FLAGS=${flags}`, `-DCMAKE_EXE_LINKER_FLAGS=${flags}`]) &&
  step('cmake', ['--build', cpp, '-j2'])
) {
  step('node', [path.join(root, 'scripts', 'run-cpp-tests.mjs'), cpp], { counted: true });
}

// The tracked files as they are in this checkout (a deleted one skipped), copied afresh, with this
// checkout's node_modules.
const pkg = path.join(out, 'pkg');
fs.rmSync(pkg, { recursive: true, force: true });
const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
for (const f of files) {
  if (!fs.existsSync(path.join(root, f))) continue;
  fs.mkdirSync(path.dirname(path.join(pkg, f)), { recursive: true });
  fs.copyFileSync(path.join(root, f), path.join(pkg, f));
}
fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'));
const sanitized = { cwd: pkg, env: { CXXFLAGS: flags, LDFLAGS: flags } };
if (step('npm', ['run', '-s', 'build'], sanitized) && step('npm', ['run', '-s', 'build:ts'], { cwd: pkg })) {
  step('node', JS_SUITE, {
    cwd: pkg,
    counted: true,
    env: {
      LD_PRELOAD: `${runtime('libasan.so')}:${runtime('libubsan.so')}`,
      ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1', // node's own allocations at exit are not ours
      UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
    },
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
