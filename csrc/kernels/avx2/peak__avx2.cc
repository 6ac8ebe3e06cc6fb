// Roofline probe: the classic AVX2 int8 dot product, vpmaddubsw + vpmaddwd + vpaddd (32 MACs),
// on 6 independent chains with register operands. Written in assembly: compilers merge or spill
// such synthetic chains.
#include "kernels/avx2/avx2_kernels.h"

namespace ei8 {
namespace avx2 {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "vpcmpeqw %%ymm15, %%ymm15, %%ymm15\n\t"
      "vpabsw %%ymm15, %%ymm15\n\t"  // int16 ones
      "vpcmpeqd %%ymm14, %%ymm14, %%ymm14\n\t"
      "vpabsb %%ymm14, %%ymm13\n\t"
#define EI8_ZERO(i) "vpxor %%ymm" #i ", %%ymm" #i ", %%ymm" #i "\n\t"
#define EI8_DOT(i, t) "vpmaddubsw %%ymm14, %%ymm13, %%ymm" #t "\n\t" \
                      "vpmaddwd %%ymm15, %%ymm" #t ", %%ymm" #t "\n\t" \
                      "vpaddd %%ymm" #t ", %%ymm" #i ", %%ymm" #i "\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5)
      "1:\n\t"
      EI8_DOT(0, 6) EI8_DOT(1, 7) EI8_DOT(2, 8) EI8_DOT(3, 9) EI8_DOT(4, 10) EI8_DOT(5, 11)
      "dec %0\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
#undef EI8_ZERO
#undef EI8_DOT
      : "+r"(n)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm13", "xmm14", "xmm15", "cc");
  return iterations * 6 * 32;
}

}  // namespace avx2
}  // namespace ei8
