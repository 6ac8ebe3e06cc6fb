// qs8 GEMM micro-kernel, tile 4x16c8, AArch64 SMMLA (FEAT_I8MM).
// Reads the tiled (nr=16, kr=8) layout of pack/pack_layout.cc; A as int8. Exact for every input
// (int8 x int8 summed eight at a time into int32 lanes, wrapping like the reference).
// Must equal ref::matmul_i32 after the corrections of core/gemm.cc.
//
// SMMLA acc.4s, a.16b, w.16b multiplies a 2x8 block of A (rows i, i+1) by an 8x2 block of B
// and adds the 2x2 result [c(i,j) c(i,j+1) c(i+1,j) c(i+1,j+1)]: 32 MACs per instruction.
// The packed panel gives, per block of 8 k, 16 columns x 8 bytes: eight vectors, each exactly the
// 2x8 B operand of a column pair. Rows of A are paired by ZIP1/ZIP2 of their 64-bit halves.
// 16 accumulators (2 row pairs x 8 column pairs); ZIP1/ZIP2 of accumulator pairs un-interleave
// them into rows at the end. With an odd number of rows the last row pairs with itself.
// M = 1 (LLM decode) runs the 1-row instance: half of each SMMLA is wasted, which still makes
// 16 useful MACs per instruction, as many as SDOT, so no separate GEMV kernel.
#include <arm_neon.h>

#include "kernels/i8mm/i8mm_kernels.h"

namespace ei8 {
namespace i8mm {
namespace {

constexpr size_t kNr = 16, kKr = 8;

template <size_t MR>
void gemm(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  constexpr size_t P = (MR + 1) / 2;  // row pairs
  int32x4_t acc[P][8];
  const int8_t* ar[2 * P];
  for (size_t i = 0; i < 2 * P; ++i) ar[i] = reinterpret_cast<const int8_t*>(a + (i < MR ? i : MR - 1) * a_stride);
  for (size_t p = 0; p < P; ++p)
    for (size_t c = 0; c < 8; ++c) acc[p][c] = vdupq_n_s32(0);
  size_t k = 0;
  for (; k + 16 <= kc; k += 16, w += 2 * kNr * kKr) {
    int8x16_t va[P][2];
    for (size_t p = 0; p < P; ++p) {
      const int64x2_t r0 = vreinterpretq_s64_s8(vld1q_s8(ar[2 * p] + k));
      const int64x2_t r1 = vreinterpretq_s64_s8(vld1q_s8(ar[2 * p + 1] + k));
      va[p][0] = vreinterpretq_s8_s64(vzip1q_s64(r0, r1));
      va[p][1] = vreinterpretq_s8_s64(vzip2q_s64(r0, r1));
    }
    for (size_t b = 0; b < 2; ++b)
      for (size_t c = 0; c < 8; ++c) {
        const int8x16_t vw = vld1q_s8(w + b * kNr * kKr + c * 16);
        for (size_t p = 0; p < P; ++p) acc[p][c] = vmmlaq_s32(acc[p][c], va[p][b], vw);
      }
  }
  if (k < kc) {  // one last block of 8
    int8x16_t va[P];
    for (size_t p = 0; p < P; ++p) va[p] = vcombine_s8(vld1_s8(ar[2 * p] + k), vld1_s8(ar[2 * p + 1] + k));
    for (size_t c = 0; c < 8; ++c) {
      const int8x16_t vw = vld1q_s8(w + c * 16);
      for (size_t p = 0; p < P; ++p) acc[p][c] = vmmlaq_s32(acc[p][c], va[p], vw);
    }
  }
  for (size_t p = 0; p < P; ++p)
    for (size_t q = 0; q < 4; ++q) {  // columns 4q .. 4q+3 from column pairs 2q and 2q+1
      const int64x2_t lo = vreinterpretq_s64_s32(acc[p][2 * q]), hi = vreinterpretq_s64_s32(acc[p][2 * q + 1]);
      vst1q_s32(d + (2 * p) * kNr + 4 * q, vreinterpretq_s32_s64(vzip1q_s64(lo, hi)));
      if (2 * p + 1 < MR) vst1q_s32(d + (2 * p + 1) * kNr + 4 * q, vreinterpretq_s32_s64(vzip2q_s64(lo, hi)));
    }
}

}  // namespace

void gemm_4x16c8__neoni8mm(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  switch (mr) {
    case 1: gemm<1>(kc, a, a_stride, w, d); break;
    case 2: gemm<2>(kc, a, a_stride, w, d); break;
    case 3: gemm<3>(kc, a, a_stride, w, d); break;
    default: gemm<4>(kc, a, a_stride, w, d); break;
  }
}

}  // namespace i8mm
}  // namespace ei8
