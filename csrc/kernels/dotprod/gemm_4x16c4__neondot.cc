// qs8 GEMM micro-kernel, tile 4x16c4, AArch64 SDOT by element (ARMv8.2 dotprod).
// Reads the tiled (nr=16, kr=4) layout of pack/pack_layout.cc; A as int8. Exact for every input
// (int8 x int8 summed four at a time into int32 lanes, wrapping like the reference).
// Must equal ref::matmul_i32 after the corrections of core/gemm.cc.
//
// Per block of 4 k the panel holds 16 columns x 4 bytes = four vectors of 4 columns. Each row's
// 16 bytes of A (4 blocks) sit in one register; SDOT v.4s, w.16b, a.4b[b] adds block b of the row
// to 4 columns: 16 accumulators (4 rows x 4 column quads), 16 MACs per instruction.
#include <arm_neon.h>

#include <cstring>

#include "kernels/dotprod/dotprod_kernels.h"

// GCC's first scheduling pass hoists the 16 weight loads of a 16-k step above the SDOTs and then
// spills (16 accumulators + 4 rows of A + 16 weights > 32 registers); in source order the step
// needs 24 registers. The pass after register allocation still schedules within that order.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-schedule-insns")
#endif

namespace ei8 {
namespace dotprod {
namespace {

constexpr size_t kNr = 16, kKr = 4;

template <size_t MR, int B>
inline void block(int32x4_t (&acc)[MR][4], const int8x16_t (&va)[MR], const int8_t* w) {
  const int8x16_t w0 = vld1q_s8(w + B * 64), w1 = vld1q_s8(w + B * 64 + 16);
  const int8x16_t w2 = vld1q_s8(w + B * 64 + 32), w3 = vld1q_s8(w + B * 64 + 48);
  for (size_t i = 0; i < MR; ++i) {
    acc[i][0] = vdotq_laneq_s32(acc[i][0], w0, va[i], B);
    acc[i][1] = vdotq_laneq_s32(acc[i][1], w1, va[i], B);
    acc[i][2] = vdotq_laneq_s32(acc[i][2], w2, va[i], B);
    acc[i][3] = vdotq_laneq_s32(acc[i][3], w3, va[i], B);
  }
}

template <size_t MR>
void gemm(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  int32x4_t acc[MR][4];
  const int8_t* ar[MR];
  for (size_t i = 0; i < MR; ++i) {
    ar[i] = reinterpret_cast<const int8_t*>(a + i * a_stride);
    for (size_t c = 0; c < 4; ++c) acc[i][c] = vdupq_n_s32(0);
  }
  size_t k = 0;
  for (; k + 16 <= kc; k += 16, w += 4 * kNr * kKr) {
    int8x16_t va[MR];
    for (size_t i = 0; i < MR; ++i) va[i] = vld1q_s8(ar[i] + k);
    block<MR, 0>(acc, va, w);
    block<MR, 1>(acc, va, w);
    block<MR, 2>(acc, va, w);
    block<MR, 3>(acc, va, w);
  }
  for (; k < kc; k += kKr, w += kNr * kKr) {  // the last 1..3 blocks: 4 bytes of each row
    int8x16_t va[MR];
    for (size_t i = 0; i < MR; ++i) {
      int32_t four;
      std::memcpy(&four, ar[i] + k, 4);
      va[i] = vreinterpretq_s8_s32(vdupq_n_s32(four));
    }
    block<MR, 0>(acc, va, w);
  }
  for (size_t i = 0; i < MR; ++i)
    for (size_t c = 0; c < 4; ++c) vst1q_s32(d + i * kNr + c * 4, acc[i][c]);
}

}  // namespace

void gemm_4x16c4__neondot(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  switch (mr) {
    case 1: gemm<1>(kc, a, a_stride, w, d); break;
    case 2: gemm<2>(kc, a, a_stride, w, d); break;
    case 3: gemm<3>(kc, a, a_stride, w, d); break;
    default: gemm<4>(kc, a, a_stride, w, d); break;
  }
}

}  // namespace dotprod
}  // namespace ei8
