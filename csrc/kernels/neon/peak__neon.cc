// Roofline probe of the ARMv8.0 path: the widening multiply-accumulate step of the 2x8c16 kernel,
// SMULL + SMLAL2 + SADALP (16 MACs), on 8 independent chains with register operands. Written in
// assembly: compilers merge or drop such synthetic chains. Uses v0-v7 and v16-v25 only (v8-v15
// are callee-saved).
#include "kernels/neon/neon_kernels.h"

namespace ei8 {
namespace neon {

uint64_t dot_peak(uint64_t iterations) {
  if (iterations == 0) return 0;
  uint64_t n = iterations;
  __asm__ volatile(
      "movi v24.16b, #3\n\t"
      "movi v25.16b, #5\n\t"
#define EI8_ZERO(i) "movi v" #i ".4s, #0\n\t"
#define EI8_MAC(acc, t) "smull v" #t ".8h, v24.8b, v25.8b\n\t"    \
                        "smlal2 v" #t ".8h, v24.16b, v25.16b\n\t" \
                        "sadalp v" #acc ".4s, v" #t ".8h\n\t"
      EI8_ZERO(0) EI8_ZERO(1) EI8_ZERO(2) EI8_ZERO(3) EI8_ZERO(4) EI8_ZERO(5) EI8_ZERO(6) EI8_ZERO(7)
      "1:\n\t"
      EI8_MAC(0, 16) EI8_MAC(1, 17) EI8_MAC(2, 18) EI8_MAC(3, 19)
      EI8_MAC(4, 20) EI8_MAC(5, 21) EI8_MAC(6, 22) EI8_MAC(7, 23)
      "subs %0, %0, #1\n\t"
      "b.ne 1b\n\t"
#undef EI8_ZERO
#undef EI8_MAC
      : "+r"(n)
      :
      : "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
        "v23", "v24", "v25", "cc");
  return iterations * 8 * 16;
}

}  // namespace neon
}  // namespace ei8
