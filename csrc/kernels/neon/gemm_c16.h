// The body shared by the two 2x8c16 NEON micro-kernels (included only by files of the neon
// library, so every instantiation is compiled with the same flags).
//
// Layout (pack/weights.h, nr=8, kr=16): per block of 16 k, 8 columns of 16 consecutive int8.
// For each row i and column j, one int32x4 accumulator holds four partial sums:
//   p = SMULL(a[i][0..7], w[j][0..7])  (int16x8)
//   narrow:  p = SMLAL2(p, a[i][8..15], w[j][8..15])  two products per int16 lane
//   any:     a second SMULL2 into its own int16x8
//   acc = SADALP(acc, p)  (pairwise add into int32)
// and one pairwise-add tree per row reduces the 8x4 partial sums to 8 columns at the end.
// Two products in one int16 lane are exact only when they cannot both be (-128)*(-128):
// |a*b| <= 128*127 when no weight is -128, so 2*16256 < 32768 ("narrow" weights, PackedData::narrow).
#pragma once

#include <arm_neon.h>

// GCC's first scheduling pass hoists all eight weight loads of a block above the multiplies, which
// with 16 accumulators runs out of the 32 vector registers (spills, moves). The source order below
// is already the intended schedule; the pass after register allocation still reorders within it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

#include <cstddef>
#include <cstdint>

namespace ei8 {
namespace neon {
namespace c16 {

constexpr size_t kNr = 8, kKr = 16;

template <size_t MR, bool kNarrow>
inline void gemm(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  int32x4_t acc[MR][kNr];
  const int8_t* ar[MR];
  for (size_t i = 0; i < MR; ++i) {
    ar[i] = reinterpret_cast<const int8_t*>(a + i * a_stride);
    for (size_t j = 0; j < kNr; ++j) acc[i][j] = vdupq_n_s32(0);
  }
  for (size_t k = 0; k < kc; k += kKr, w += kNr * kKr) {
    int8x16_t va[MR];
    for (size_t i = 0; i < MR; ++i) va[i] = vld1q_s8(ar[i] + k);
    for (size_t j = 0; j < kNr; ++j) {
      const int8x16_t vw = vld1q_s8(w + j * kKr);
      int16x8_t lo[MR], hi[MR];
      for (size_t i = 0; i < MR; ++i) lo[i] = vmull_s8(vget_low_s8(va[i]), vget_low_s8(vw));
      if (kNarrow) {
        for (size_t i = 0; i < MR; ++i) lo[i] = vmlal_high_s8(lo[i], va[i], vw);
      } else {
        for (size_t i = 0; i < MR; ++i) hi[i] = vmull_high_s8(va[i], vw);
        for (size_t i = 0; i < MR; ++i) acc[i][j] = vpadalq_s16(acc[i][j], hi[i]);
      }
      for (size_t i = 0; i < MR; ++i) acc[i][j] = vpadalq_s16(acc[i][j], lo[i]);
    }
  }
  for (size_t i = 0; i < MR; ++i) {
    const int32x4_t s01 = vpaddq_s32(acc[i][0], acc[i][1]);
    const int32x4_t s23 = vpaddq_s32(acc[i][2], acc[i][3]);
    const int32x4_t s45 = vpaddq_s32(acc[i][4], acc[i][5]);
    const int32x4_t s67 = vpaddq_s32(acc[i][6], acc[i][7]);
    vst1q_s32(d + i * kNr, vpaddq_s32(s01, s23));
    vst1q_s32(d + i * kNr + 4, vpaddq_s32(s45, s67));
  }
}

}  // namespace c16
}  // namespace neon
}  // namespace ei8
