// The JS suite under other Node.js releases (scripts/node-versions.mjs): the oldest that package.json's
// engines allows, the LTS lines and the newest, each loading this build through Node-API version 8.
// The host's own Node runs the suite in the `js` suite. Prints "N passed, N failed".
import { JS_SUITE, runStep } from '../jobs.mjs';
import { otherNodes } from '../node-versions.mjs';

let passed = 0;
let failed = 0;
const { nodes, error } = otherNodes();
if (error) {
  console.log(`${process.env.CI ? 'FAIL ' : ''}node-versions: ${error}`);
  if (process.env.CI) failed++;
}
const summary = [];
for (const { version, bin } of nodes) {
  console.log(`\n--- node ${version}`);
  const r = runStep(bin, JS_SUITE, {
    timeout: 10 * 60 * 1000, label: `node ${version}`,
  });
  passed += r.passed;
  failed += r.failed;
  summary.push(`node ${version}: ${r.passed} passed, ${r.failed} failed`);
}
console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
