/**
 * `npm run bench [-- <suite> ... [--quick] [suite options]]`: runs the benchmark suites in bench/
 * (matmul by default; `all` runs every *.bench.ts), each in its own process so that one suite's
 * memory and threads do not disturb the next. Results: bench/results/<suite>.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const available = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const named = args.filter((a) => available.includes(a) || a === 'all');
const options = args.filter((a) => !named.includes(a));
const suites = named.includes('all') ? available : named.length ? named : ['matmul'];

let failed = false;
for (const suite of suites) {
  console.log(`\n### bench/${suite}.bench.ts ${options.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, `${suite}.bench.ts`), ...options], { stdio: 'inherit' });
  failed ||= r.status !== 0;
}
if (failed) process.exitCode = 1;
console.log(`\nsuites available: ${available.join(', ')} (or 'all')`);
