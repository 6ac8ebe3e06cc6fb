// Roofline probe of the i8mm path: SMMLA v.4s, v.16b, v.16b (32 MACs: a 2x8 by 8x2 block) on 12
// independent chains with register operands, in assembly. Uses v0-v7 and v16-v21 only (v8-v15
// are callee-saved).
#include "kernels/i8mm/i8mm_kernels.h"

namespace ei8 {
namespace i8mm {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "movi v20.16b, #3\n\t"
      "movi v21.16b, #5\n\t"
#define EI8_ZERO(i) "movi v" #i ".4s, #0\n\t"
#define EI8_MMLA(i) "smmla v" #i ".4s, v20.16b, v21.16b\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5)
      EI8_ZERO(6) EI8_ZERO(7) EI8_ZERO(16) EI8_ZERO(17) EI8_ZERO(18) EI8_ZERO(19)
      "1:\n\t"
      EI8_MMLA(0) EI8_MMLA(1) EI8_MMLA(2) EI8_MMLA(3) EI8_MMLA(4) EI8_MMLA(5)
      EI8_MMLA(6) EI8_MMLA(7) EI8_MMLA(16) EI8_MMLA(17) EI8_MMLA(18) EI8_MMLA(19)
      "subs %0, %0, #1\n\t"
      "b.ne 1b\n\t"
#undef EI8_ZERO
#undef EI8_MMLA
      : "+r"(n)
      :
      : "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v16", "v17", "v18", "v19", "v20", "v21", "cc");
  return iterations * 12 * 32;
}

}  // namespace i8mm
}  // namespace ei8
