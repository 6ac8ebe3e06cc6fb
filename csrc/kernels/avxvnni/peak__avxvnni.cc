// Roofline probe: 12 independent vpdpbusd ymm chains (VEX encoding) on register operands
// (32 MACs each). Written in assembly: compilers merge or spill such synthetic chains.
#include "kernels/avxvnni/avxvnni_kernels.h"

namespace ei8 {
namespace avxvnni {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "vpcmpeqd %%ymm14, %%ymm14, %%ymm14\n\t"
      "vpabsb %%ymm14, %%ymm15\n\t"
#define EI8_ZERO(i) "vpxor %%ymm" #i ", %%ymm" #i ", %%ymm" #i "\n\t"
#define EI8_DOT(i) "%{vex%} vpdpbusd %%ymm15, %%ymm14, %%ymm" #i "\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5)
      EI8_ZERO(6) EI8_ZERO(7) EI8_ZERO(8) EI8_ZERO(9) EI8_ZERO(10) EI8_ZERO(11)
      "1:\n\t"
      EI8_DOT(0) EI8_DOT(1) EI8_DOT(2) EI8_DOT(3) EI8_DOT(4) EI8_DOT(5)
      EI8_DOT(6) EI8_DOT(7) EI8_DOT(8) EI8_DOT(9) EI8_DOT(10) EI8_DOT(11)
      "dec %0\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
#undef EI8_ZERO
#undef EI8_DOT
      : "+r"(n)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm14", "xmm15", "cc");
  return iterations * 12 * 32;
}

}  // namespace avxvnni
}  // namespace ei8
