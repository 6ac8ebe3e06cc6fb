// Performance evidence on paper, read from the compiled micro-kernels (emulation says nothing
// about speed): for each GEMM/GEMV micro-kernel object (csrc/kernels/<isa>/gemm_*.o, gemv_*.o) its
// tile, the instructions of its hottest inner loop, the multiply-accumulates (MACs) that loop
// performs, MACs per inner-loop instruction, and the vector registers it uses.
//
//   node bench/disasm-report.mjs [--json out.json] [objects or folders...]
//
// Objects are looked for in the builds that exist: node-gyp's build/Release (host) and
// .cache/cross-*/build/Release (scripts/prebuild-cross.mjs), CMake's build-cmake and build-aarch64.
// ARM objects are read with aarch64-linux-gnu-objdump (or arm-linux-gnueabihf-objdump, or objdump
// on an ARM host), x86 ones with objdump.
//
// "spills" counts stack accesses inside the hot loop (0 means the tile fits the register file).
// The hot loop of a function is its innermost backward branch whose body does the most MACs
// (kernels that dispatch on mr contain one loop per row count; the largest is the full tile).
// MACs per instruction (lanes x products per lane):
//   SMULL/SMLAL(2)/UMULL/UMLAL(2) .8h: 8   SDOT/UDOT/USDOT .4s: 16 (.2s: 8)   SMMLA/UMMLA/USMMLA: 32
//   VPDPBUSD(S): 16 per 128 bits            VPMADDUBSW: 16 per 128 bits
//   VPMADDWD: 8 per 128 bits, counted only in loops without VPMADDUBSW (after VPMADDUBSW it is the
//   pairwise widening add against ones, not a product of the operands)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function findObjects(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findObjects(p, out);
    else if (/^(gemm|gemv|lut4_gemm)_.*\.o$/.test(e.name.replace(/\.cc\.o$/, '.o')) && p.includes(`${path.sep}kernels${path.sep}`)) out.push(p);
  }
  return out;
}

function elfMachine(file) {
  const b = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, b, 0, 20, 0);
  fs.closeSync(fd);
  if (b.readUInt32BE(0) !== 0x7f454c46) return null;
  return { 0x3e: 'x86-64', 0xb7: 'aarch64', 0x28: 'arm' }[b.readUInt16LE(18)] ?? null;
}

function objdumpFor(machine) {
  const native = { 'x86-64': 'x64', aarch64: 'arm64', arm: 'arm' }[machine] === process.arch;
  const cross = { aarch64: 'aarch64-linux-gnu-objdump', arm: 'arm-linux-gnueabihf-objdump', 'x86-64': 'x86_64-linux-gnu-objdump' }[machine];
  if (native && has('objdump')) return 'objdump';
  if (has(cross)) return cross;
  return null;
}

// Functions of one object: name -> [{ addr, mnemonic, operands, target }]
function disassemble(file, objdump) {
  const r = spawnSync(objdump, ['-d', '--no-show-raw-insn', '-C', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${objdump} -d ${file}: ${r.stderr}`);
  const functions = new Map();
  let current = null;
  for (const line of r.stdout.split('\n')) {
    const head = /^([0-9a-f]+) <(.+)>:$/.exec(line);
    if (head) {
      current = [];
      functions.set(head[2], current);
      continue;
    }
    const ins = /^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(line);
    if (!ins || !current) continue;
    const [, addr, mnemonic0, rest0] = ins;
    // AVX-VNNI's VEX forms print as "{vex} vpdpbusd ...".
    const vex = mnemonic0 === '{vex}';
    const mnemonic = vex ? rest0.split(/\s+/)[0] : mnemonic0;
    const rest = vex ? rest0.slice(mnemonic.length).trim() : rest0;
    const operands = rest.replace(/\s*\/\/.*$/, '').replace(/\s*#.*<.*$/, '').trim();
    const tgt = /^(?:\S+,\s*)*([0-9a-f]+) <[^>]+>/.exec(rest) ?? /\b([0-9a-f]+) <[^>]+>$/.exec(rest);
    current.push({ addr: parseInt(addr, 16), mnemonic, operands, target: tgt ? parseInt(tgt[1], 16) : null });
  }
  return functions;
}

function macsOf(ins, machine, loopHasMaddubsw) {
  const m = ins.mnemonic.toLowerCase();
  const ops = ins.operands.toLowerCase();
  if (machine === 'x86-64') {
    const width = /zmm/.test(ops) ? 4 : /ymm/.test(ops) ? 2 : 1; // 128-bit units
    if (/^vpdpbusds?$/.test(m)) return 16 * width;
    if (m === 'vpmaddubsw') return 16 * width;
    if (m === 'vpmaddwd') return loopHasMaddubsw ? 0 : 8 * width;
    if (/^tdpb/.test(m)) return 16 * 16 * 64;
    return 0;
  }
  if (/^(smmla|ummla|usmmla)$/.test(m)) return 32;
  if (/^(sdot|udot|usdot|sudot)$/.test(m)) return /\.2s/.test(ops) ? 8 : 16;
  if (/^(smull2?|umull2?|smlal2?|umlal2?|smlsl2?)$/.test(m)) return /\.8h/.test(ops) ? 8 : /\.4s/.test(ops) ? 4 : 2;
  if (/^vml[as]l\.[su]8$|^vmull\.[su]8$/.test(m)) return 8; // ARMv7 NEON
  return 0;
}

function vectorRegs(instructions, machine) {
  const regs = new Set();
  for (const ins of instructions) {
    if (machine === 'x86-64') {
      for (const r of ins.operands.matchAll(/%[xyz]mm(\d+)/g)) regs.add(Number(r[1]));
    } else if (machine === 'aarch64') {
      for (const r of ins.operands.matchAll(/\b(?:v|q|d|s|h|b)(\d{1,2})(?=[.,\s\]}]|$)/g)) regs.add(Number(r[1]));
    } else {
      for (const r of ins.operands.matchAll(/\bq(\d{1,2})\b/g)) { regs.add(2 * Number(r[1])); regs.add(2 * Number(r[1]) + 1); }
      for (const r of ins.operands.matchAll(/\bd(\d{1,2})\b/g)) regs.add(Number(r[1]));
    }
  }
  return regs;
}

const isLoad = (ins, machine) => (machine === 'x86-64'
  ? /\(/.test(ins.operands) && !/^(lea|nop)/.test(ins.mnemonic) && !/,\s*-?(0x[0-9a-f]+)?\(/.test(ins.operands)
  : /^(ld|vld)/.test(ins.mnemonic));

function hotLoop(instructions, machine) {
  const loops = [];
  instructions.forEach((ins, i) => {
    if (ins.target === null || ins.target > ins.addr) return;
    const start = instructions.findIndex((x) => x.addr === ins.target);
    if (start < 0) return;
    const body = instructions.slice(start, i + 1);
    const maddubsw = body.some((x) => x.mnemonic === 'vpmaddubsw');
    const macs = body.reduce((s, x) => s + macsOf(x, machine, maddubsw), 0);
    if (macs > 0) loops.push({ body, macs, start: ins.target, end: ins.addr });
  });
  // Innermost: a loop containing another MAC loop (a loop over groups around the loop over k
  // blocks, or template instances inlined into one function) is not a candidate.
  const innermost = loops.filter((l) => !loops.some((o) => o !== l && o.start >= l.start && o.end <= l.end));
  let best = null;
  for (const l of innermost) {
    if (!best || l.macs > best.macs || (l.macs === best.macs && l.body.length < best.body.length)) best = l;
  }
  return best;
}

function isaOf(file) {
  const m = /__([a-z0-9_]+)\.(?:cc\.)?o$/.exec(path.basename(file));
  return m ? m[1] : '?';
}

function report(files) {
  const rows = [];
  for (const file of files) {
    const machine = elfMachine(file);
    if (!machine) continue;
    const objdump = objdumpFor(machine);
    if (!objdump) {
      console.error(`skipped ${path.relative(root, file)}: no objdump for ${machine}`);
      continue;
    }
    const base = path.basename(file).replace(/\.cc\.o$|\.o$/, '');
    const tile = /_(\d+x\d+c\d+)__/.exec(base)?.[1] ?? '?';
    // Every function of the object counts: kernels that dispatch on mr keep their per-row-count
    // template instances as separate functions. The object's hottest loop is the full tile.
    let best = null;
    let allInstructions = [];
    for (const instructions of disassemble(file, objdump).values()) {
      allInstructions = allInstructions.concat(instructions);
      const loop = hotLoop(instructions, machine);
      if (loop && (!best || loop.macs > best.loop.macs)) best = { loop, instructions };
    }
    if (!best) continue;
    const { loop, instructions } = best;
    const [mr, nr] = tile.split('c')[0].split('x').map(Number);
    const maddubsw = loop.body.some((y) => y.mnemonic === 'vpmaddubsw');
    rows.push({
      machine, isa: isaOf(file), kernel: base, tile,
      loopInstructions: loop.body.length,
      macInstructions: loop.body.filter((x) => macsOf(x, machine, maddubsw) > 0).length,
      loads: loop.body.filter((x) => isLoad(x, machine)).length,
      stackRefs: loop.body.filter((x) => /\[sp\b|\(%rsp\)|\(%rbp\)|-?0x[0-9a-f]+\(%r[sb]p\)/.test(x.operands)).length,
      macsPerIteration: loop.macs,
      kPerIteration: mr && nr ? loop.macs / (mr * nr) : null,
      macsPerInstruction: loop.macs / loop.body.length,
      vectorRegsLoop: vectorRegs(loop.body, machine).size,
      vectorRegsFunction: vectorRegs(instructions, machine).size,
      object: path.relative(root, file),
    });
  }
  return rows;
}

const args = process.argv.slice(2);
let jsonOut = null;
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') jsonOut = args[++i];
  else inputs.push(path.resolve(args[i]));
}
const searched = inputs.length ? inputs : [
  path.join(root, 'build', 'Release'), path.join(root, 'build-cmake'), path.join(root, 'build-aarch64'),
  ...(fs.existsSync(path.join(root, '.cache')) ? fs.readdirSync(path.join(root, '.cache')).filter((d) => d.startsWith('cross-'))
    .map((d) => path.join(root, '.cache', d, 'build', 'Release')) : []),
];
const files = [];
for (const p of searched) {
  if (fs.existsSync(p) && fs.statSync(p).isFile()) files.push(p);
  else findObjects(p, files);
}
// One object per (machine, kernel): the node-gyp and CMake builds compile the same source.
const seen = new Set();
const unique = files.filter((f) => {
  const key = `${elfMachine(f)}:${path.basename(f).replace(/\.cc\.o$|\.o$/, '')}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});
if (!unique.length) {
  console.log('no micro-kernel objects found: build first (npm run build; npm run prebuildify:linux-arm64)');
  process.exit(1);
}
const rows = report(unique).sort((a, b) => a.machine.localeCompare(b.machine) || a.kernel.localeCompare(b.kernel));
const header = ['arch', 'kernel', 'tile', 'loop instr', 'MAC instr', 'loads', 'spills', 'MACs/iter', 'k/iter', 'MACs/instr', 'vregs loop', 'vregs fn'];
const table = rows.map((r) => [r.machine, r.kernel, r.tile, r.loopInstructions, r.macInstructions, r.loads, r.stackRefs, r.macsPerIteration,
  r.kPerIteration ?? '', r.macsPerInstruction.toFixed(2), r.vectorRegsLoop, r.vectorRegsFunction].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const t of table) console.log(line(t));
if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(rows, null, 2)}\n`);
