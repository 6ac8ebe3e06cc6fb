// Roofline probe: the SSSE3 int8 dot product, pmaddubsw + pmaddwd + paddd (16 MACs), on 6
// independent chains with register operands. Written in assembly: compilers merge or spill such
// synthetic chains.
#include "kernels/sse41/sse41_kernels.h"

namespace ei8 {
namespace sse41 {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "pcmpeqw %%xmm15, %%xmm15\n\t"
      "pabsw %%xmm15, %%xmm15\n\t"  // int16 ones
      "pcmpeqd %%xmm14, %%xmm14\n\t"
      "pabsb %%xmm14, %%xmm13\n\t"
#define EI8_ZERO(i) "pxor %%xmm" #i ", %%xmm" #i "\n\t"
#define EI8_DOT(i, t) "movdqa %%xmm13, %%xmm" #t "\n\t"   \
                      "pmaddubsw %%xmm14, %%xmm" #t "\n\t" \
                      "pmaddwd %%xmm15, %%xmm" #t "\n\t"   \
                      "paddd %%xmm" #t ", %%xmm" #i "\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5)
      "1:\n\t"
      EI8_DOT(0, 6) EI8_DOT(1, 7) EI8_DOT(2, 8) EI8_DOT(3, 9) EI8_DOT(4, 10) EI8_DOT(5, 11)
      "dec %0\n\t"
      "jnz 1b\n\t"
#undef EI8_ZERO
#undef EI8_DOT
      : "+r"(n)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
        "xmm13", "xmm14", "xmm15", "cc");
  return iterations * 6 * 16;
}

}  // namespace sse41
}  // namespace ei8
