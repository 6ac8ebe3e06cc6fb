// Shared by the test scripts: read the counts a test run printed (scripts/run-tests.mjs and the
// emulated suites), run one step of a suite and count it (run-tests.mjs, sanitize.mjs), and for the
// emulated suites run a child process with a timeout (its whole process group killed when it
// hangs) and several at most `limit` at a time.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

// The JS suite (uvu over test/*.test.ts through tsx), as node's arguments after the interpreter: every
// runner of it (the js suite, other Node releases, the cmake-js build, emulated CPUs, sanitizers).
export const JS_SUITE = ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', '.*\\.test\\.ts$'];

// Counts from one run's output: our "N passed, N failed" line, or uvu's Total/Passed/Skipped.
export function counts(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const ours = [...plain.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  if (ours) return { passed: Number(ours[1]), failed: Number(ours[2]) };
  const total = /Total:\s+(\d+)/.exec(plain);
  const pass = /Passed:\s+(\d+)/.exec(plain);
  const skip = /Skipped:\s+(\d+)/.exec(plain);
  if (total && pass) {
    const t = Number(total[1]);
    const p = Number(pass[1]);
    return { passed: p, failed: t - p - (skip ? Number(skip[1]) : 0) };
  }
  return null;
}

// One step of a suite, run to completion with its output echoed. ok: it exited 0. passed / failed:
// the counts it printed (none with ignoreCounts), and one more failure when it exited non-zero
// without counts that say so (a crash, a failed build). With `timeout` (ms) a hung step is killed.
export function runStep(cmd, args, { cwd = root, env, timeout, ignoreCounts = false, label = cmd } = {}) {
  const r = spawnSync(cmd, args, {
    cwd, env: env ? { ...process.env, ...env } : process.env, encoding: 'utf8', maxBuffer: 1 << 28, timeout,
  });
  if (r.error) console.log(`${label}: ${r.error.message}`);
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const c = ignoreCounts ? null : counts(`${r.stdout}\n${r.stderr}`);
  const ok = r.status === 0;
  return { ok, passed: c ? c.passed : 0, failed: (c ? c.failed : 0) + (!ok && (!c || c.failed === 0) ? 1 : 0) };
}

// A hung emulated process (a deadlock would show up as one) fails its job after this long instead
// of stalling the whole run; the job runs in its own process group, which is killed whole.
const JOB_TIMEOUT_MS = 15 * 60 * 1000;

export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, JOB_TIMEOUT_MS);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: timedOut ? `killed after ${JOB_TIMEOUT_MS / 60000} min` : status ?? `signal ${signal}`, out });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: -1, out: `${out}\n${e.message}` });
    });
  });
}

// At most `limit` jobs at a time (the machine has 2 cores; each qemu process uses about one).
export async function pool(jobs, limit) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
