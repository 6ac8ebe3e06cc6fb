// The body shared by the c16 NEON micro-kernels (AArch64 2x8c16, ARMv7 2x4c16), included only by
// files of the neon library, so every instantiation is compiled with the same flags.
//
// Layout (pack/weights.h, nr=NR, kr=16): per block of 16 k, NR columns of 16 consecutive int8.
// For each row i and column j, one int32x4 accumulator holds four partial sums:
//   p = SMULL(a[i][0..7], w[j][0..7])  (int16x8)
//   narrow:  p = SMLAL2(p, a[i][8..15], w[j][8..15])  two products per int16 lane
//   any:     a second SMULL2 into its own int16x8
//   acc = SADALP(acc, p)  (pairwise add into int32)
// and one pairwise-add tree per row reduces the NRx4 partial sums to NR columns at the end.
// Two products in one int16 lane are exact only when they cannot both be (-128)*(-128):
// |a*b| <= 128*127 when no weight is -128, so 2*16256 < 32768 ("narrow" weights, PackedData::narrow).
// ARMv7 has the same instructions (VMULL.S8, VMLAL.S8, VPADAL.S16) on the high and low halves.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

// GCC's first scheduling pass hoists all the weight loads of a block above the multiplies, which
// with 16 accumulators runs out of vector registers (spills, moves). The source order below is
// already the intended schedule; the pass after register allocation still reorders within it.
#if defined(__GNUC__) && !defined(__clang__) && defined(__aarch64__)
#pragma GCC optimize("no-schedule-insns")
#endif

// The row and column loops must be unrolled completely before the accumulator array is split into
// registers (GCC's ARMv7 back end otherwise keeps it in memory).
#if defined(__GNUC__) && !defined(__clang__)
#define EI8_UNROLL _Pragma("GCC unroll 16")
#else
#define EI8_UNROLL
#endif

namespace ei8 {
namespace neon {
namespace c16 {

constexpr size_t kKr = 16;

// [sum of a, sum of b, sum of c, sum of d] (wrapping).
inline int32x4_t reduce4(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(a, b), vpaddq_s32(c, d));
#else
  const int32x2_t ab = vpadd_s32(vadd_s32(vget_low_s32(a), vget_high_s32(a)), vadd_s32(vget_low_s32(b), vget_high_s32(b)));
  const int32x2_t cd = vpadd_s32(vadd_s32(vget_low_s32(c), vget_high_s32(c)), vadd_s32(vget_low_s32(d), vget_high_s32(d)));
  return vcombine_s32(ab, cd);
#endif
}

// Products of the low and high 8 bytes (AArch64 has SMULL2/SMLAL2 on the high halves directly).
inline int16x8_t mull_lo(int8x16_t a, int8x16_t b) { return vmull_s8(vget_low_s8(a), vget_low_s8(b)); }
inline int16x8_t mull_hi(int8x16_t a, int8x16_t b) {
#if defined(__aarch64__)
  return vmull_high_s8(a, b);
#else
  return vmull_s8(vget_high_s8(a), vget_high_s8(b));
#endif
}
inline int16x8_t mlal_hi(int16x8_t p, int8x16_t a, int8x16_t b) {
#if defined(__aarch64__)
  return vmlal_high_s8(p, a, b);
#else
  return vmlal_s8(p, vget_high_s8(a), vget_high_s8(b));
#endif
}

template <size_t MR, size_t NR, bool kNarrow>
inline void gemm(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  static_assert(NR % 4 == 0, "columns are reduced four at a time");
  int32x4_t acc[MR][NR];
  const int8_t* ar[MR];
  EI8_UNROLL
  for (size_t i = 0; i < MR; ++i) {
    ar[i] = reinterpret_cast<const int8_t*>(a + i * a_stride);
    EI8_UNROLL
    for (size_t j = 0; j < NR; ++j) acc[i][j] = vdupq_n_s32(0);
  }
  for (size_t k = 0; k < kc; k += kKr, w += NR * kKr) {
    int8x16_t va[MR];
    EI8_UNROLL
    for (size_t i = 0; i < MR; ++i) va[i] = vld1q_s8(ar[i] + k);
    EI8_UNROLL
    for (size_t j = 0; j < NR; ++j) {
      const int8x16_t vw = vld1q_s8(w + j * kKr);
      int16x8_t lo[MR], hi[MR];
      EI8_UNROLL
      for (size_t i = 0; i < MR; ++i) lo[i] = mull_lo(va[i], vw);
      if (kNarrow) {
        EI8_UNROLL
        for (size_t i = 0; i < MR; ++i) lo[i] = mlal_hi(lo[i], va[i], vw);
      } else {
        EI8_UNROLL
        for (size_t i = 0; i < MR; ++i) hi[i] = mull_hi(va[i], vw);
        EI8_UNROLL
        for (size_t i = 0; i < MR; ++i) acc[i][j] = vpadalq_s16(acc[i][j], hi[i]);
      }
      EI8_UNROLL
      for (size_t i = 0; i < MR; ++i) acc[i][j] = vpadalq_s16(acc[i][j], lo[i]);
    }
  }
  EI8_UNROLL
  for (size_t i = 0; i < MR; ++i)
    EI8_UNROLL
    for (size_t j = 0; j < NR; j += 4)
      vst1q_s32(d + i * NR + j, reduce4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]));
}

}  // namespace c16
}  // namespace neon
}  // namespace ei8

#undef EI8_UNROLL
