// Roofline probe of the NEON path: the widening multiply-accumulate step of the c16 kernels,
// SMULL + SMLAL2 + SADALP (16 MACs; ARMv7: VMULL.S8 + VMLAL.S8 + VPADAL.S16), on independent
// chains with register operands. Written in assembly: compilers merge or drop such synthetic
// chains. Callee-saved vector registers (AArch64 v8-v15, ARMv7 d8-d15) are left alone.
#include "kernels/neon/neon_kernels.h"

namespace ei8 {
namespace neon {

#if defined(__aarch64__)

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

#elif defined(__arm__)

// 4 chains: accumulators q0-q3, products q8-q11, operands q12-q13.
static void peak_chunk(uint32_t n) {
  __asm__ volatile(
      "vmov.i8 q12, #3\n\t"
      "vmov.i8 q13, #5\n\t"
      "vmov.i32 q0, #0\n\t"
      "vmov.i32 q1, #0\n\t"
      "vmov.i32 q2, #0\n\t"
      "vmov.i32 q3, #0\n\t"
#define EI8_MAC(acc, t) "vmull.s8 q" #t ", d24, d26\n\t" \
                        "vmlal.s8 q" #t ", d25, d27\n\t" \
                        "vpadal.s16 q" #acc ", q" #t "\n\t"
      "1:\n\t"
      EI8_MAC(0, 8) EI8_MAC(1, 9) EI8_MAC(2, 10) EI8_MAC(3, 11)
      "subs %0, %0, #1\n\t"
      "bne 1b\n\t"
#undef EI8_MAC
      : "+r"(n)
      :
      : "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d16", "d17", "d18", "d19", "d20", "d21", "d22",
        "d23", "d24", "d25", "d26", "d27", "cc");
}

uint64_t dot_peak(uint64_t iterations) {
  for (uint64_t left = iterations; left > 0;) {
    const uint32_t chunk = left > (1u << 30) ? (1u << 30) : static_cast<uint32_t>(left);
    peak_chunk(chunk);
    left -= chunk;
  }
  return iterations * 4 * 16;
}

#endif

}  // namespace neon
}  // namespace ei8
