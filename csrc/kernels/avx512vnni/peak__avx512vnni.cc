// Roofline probe: 24 independent vpdpbusd zmm chains on register operands (64 MACs each).
// The loop is written in assembly: compilers merge or spill such synthetic chains.
#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "vpternlogd $0xff, %%zmm30, %%zmm30, %%zmm30\n\t"
      "vpabsb %%zmm30, %%zmm31\n\t"
#define EI8_ZERO(i) "vpxord %%zmm" #i ", %%zmm" #i ", %%zmm" #i "\n\t"
#define EI8_DOT(i) "vpdpbusd %%zmm31, %%zmm30, %%zmm" #i "\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5) EI8_ZERO(6) EI8_ZERO(7)
      EI8_ZERO(8) EI8_ZERO(9) EI8_ZERO(10) EI8_ZERO(11) EI8_ZERO(12) EI8_ZERO(13) EI8_ZERO(14) EI8_ZERO(15)
      EI8_ZERO(16) EI8_ZERO(17) EI8_ZERO(18) EI8_ZERO(19) EI8_ZERO(20) EI8_ZERO(21) EI8_ZERO(22) EI8_ZERO(23)
      "1:\n\t"
      EI8_DOT(0) EI8_DOT(1) EI8_DOT(2) EI8_DOT(3) EI8_DOT(4) EI8_DOT(5) EI8_DOT(6) EI8_DOT(7)
      EI8_DOT(8) EI8_DOT(9) EI8_DOT(10) EI8_DOT(11) EI8_DOT(12) EI8_DOT(13) EI8_DOT(14) EI8_DOT(15)
      EI8_DOT(16) EI8_DOT(17) EI8_DOT(18) EI8_DOT(19) EI8_DOT(20) EI8_DOT(21) EI8_DOT(22) EI8_DOT(23)
      "dec %0\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
#undef EI8_ZERO
#undef EI8_DOT
      : "+r"(n)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",
        "xmm23", "xmm30", "xmm31", "cc");
  return iterations * 24 * 64;
}

}  // namespace avx512vnni
}  // namespace ei8
