// What the compiler made of the x86 kernels, read from the built objects with objdump: software
// prefetches are invisible to every result test, and GCC 12 once dropped all of the sparse ones
// (a call to a helper whose only effect is a prefetch was removed as dead code before inlining).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const objDir = path.join(__dirname, '..', 'build', 'Release', 'obj.target');
const objdump = spawnSync('objdump', ['--version']).status === 0;

// Instruction lines per function (demangled names) of one object.
function functions(object: string): Map<string, string[]> {
  const r = spawnSync('objdump', ['-d', '-C', '--no-show-raw-insn', object], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, `objdump ${object}: ${r.stderr}`);
  const out = new Map<string, string[]>();
  let body: string[] | null = null;
  for (const line of r.stdout.split('\n')) {
    const head = /^[0-9a-f]+ <(.*)>:$/.exec(line);
    if (head) out.set(head[1], (body = []));
    else if (body && line.trim()) body.push(line);
  }
  return out;
}

// Every function of `object` whose name contains `name`, and how many of them prefetch.
function prefetching(isa: string, file: string, name: string): { found: number; prefetching: number } {
  const object = path.join(objDir, `ei8_${isa}`, 'csrc', 'kernels', isa, file);
  assert.ok(fs.existsSync(object), `${object} missing: build the addon first (npm run build)`);
  let found = 0, withPrefetch = 0;
  for (const [fn, body] of functions(object)) {
    if (!fn.includes(name)) continue;
    found++;
    if (body.some((l) => /\sprefetcht[0-2]\s/.test(l))) withPrefetch++;
  }
  return { found, prefetching: withPrefetch };
}

const cases: Array<[isa: string, file: string, fn: string]> = [
  ['avx512vnni', 'sparse__avx512vnni.o', 'nm_t'],
  ['avxvnni', 'sparse__avxvnni.o', 'nm_t'],
  ['avx2', 'sparse__avx2.o', 'nm_t'],
];

for (const [isa, file, fn] of cases) {
  test(`${file}: ${fn} keeps its software prefetches`, () => {
    if (process.arch !== 'x64' || !objdump) return; // read only where the x86 objects and binutils are
    const r = prefetching(isa, file, fn);
    assert.ok(r.found > 0, `no function named like ${fn} in ${file}`);
    assert.ok(r.prefetching > 0, `none of the ${r.found} ${fn} functions in ${file} has a prefetch instruction`);
  });
}

// The sse41 path serves CPUs without AVX (Atom-class edge boxes, pre-Sandy Bridge cores): one VEX or
// EVEX instruction in its objects would be SIGILL there, whichever code a test under qemu reached.
test('the sse41 objects hold no AVX instruction', () => {
  if (process.arch !== 'x64' || !objdump) return;
  const dir = path.join(objDir, 'ei8_sse41', 'csrc', 'kernels', 'sse41');
  const objects = fs.readdirSync(dir).filter((f) => f.endsWith('.o'));
  assert.ok(objects.length >= 3, `sse41 objects in ${dir}: ${objects.join(', ')}`);
  for (const object of objects)
    for (const [fn, body] of functions(path.join(dir, object))) {
      // objdump lines: "  addr:\tmnemonic operands"; VEX/EVEX mnemonics start with v, AVX
      // registers are ymm/zmm and the k masks.
      const avx = body.find((l) => /:\s+v[a-z0-9]+\s/.test(l) || /%(ymm|zmm|k[0-7]\b)/.test(l));
      assert.is(avx, undefined, `${object} ${fn}: ${avx}`);
    }
});

test.run();
