// qs8 GEMV micro-kernel (one row of A: LLM decode), tile 1x16c4, AArch64 SDOT by element.
// Reads the tiled (nr=16, kr=4) layout of pack/pack_layout.cc; A as int8. Exact for every input.
// Must equal ref::matmul_i32 after the corrections of core/gemm.cc.
//
// Bandwidth-bound: every weight byte is used once. Two sets of 4 accumulators (even and odd
// blocks of 4 k) give 8 independent SDOT chains, enough to cover SDOT latency on wide cores, while
// 64 bytes of weights per block stream from one panel.
// Per-group weights with f32 output (gemv_1x16c4_dequant_groups__neondot): the same loop over each
// group of the panel, the f32 sums kept in registers.
#include <arm_neon.h>

#include <cstring>

#include "kernels/dotprod/dotprod_kernels.h"

namespace ei8 {
namespace dotprod {

namespace {

// The products of kc k (a multiple of 4) of one panel, columns 4i to 4i + 3 in out[i].
inline void dot_panel(size_t kc, const int8_t* a0, const int8_t* w, int32x4_t (&out)[4]) {
  int32x4_t e0 = vdupq_n_s32(0), e1 = e0, e2 = e0, e3 = e0;  // blocks 0, 2 of each 16 k
  int32x4_t o0 = e0, o1 = e0, o2 = e0, o3 = e0;              // blocks 1, 3
  size_t k = 0;
  for (; k + 16 <= kc; k += 16, w += 256) {
    const int8x16_t va = vld1q_s8(a0 + k);
    e0 = vdotq_laneq_s32(e0, vld1q_s8(w + 0), va, 0);
    e1 = vdotq_laneq_s32(e1, vld1q_s8(w + 16), va, 0);
    e2 = vdotq_laneq_s32(e2, vld1q_s8(w + 32), va, 0);
    e3 = vdotq_laneq_s32(e3, vld1q_s8(w + 48), va, 0);
    o0 = vdotq_laneq_s32(o0, vld1q_s8(w + 64), va, 1);
    o1 = vdotq_laneq_s32(o1, vld1q_s8(w + 80), va, 1);
    o2 = vdotq_laneq_s32(o2, vld1q_s8(w + 96), va, 1);
    o3 = vdotq_laneq_s32(o3, vld1q_s8(w + 112), va, 1);
    e0 = vdotq_laneq_s32(e0, vld1q_s8(w + 128), va, 2);
    e1 = vdotq_laneq_s32(e1, vld1q_s8(w + 144), va, 2);
    e2 = vdotq_laneq_s32(e2, vld1q_s8(w + 160), va, 2);
    e3 = vdotq_laneq_s32(e3, vld1q_s8(w + 176), va, 2);
    o0 = vdotq_laneq_s32(o0, vld1q_s8(w + 192), va, 3);
    o1 = vdotq_laneq_s32(o1, vld1q_s8(w + 208), va, 3);
    o2 = vdotq_laneq_s32(o2, vld1q_s8(w + 224), va, 3);
    o3 = vdotq_laneq_s32(o3, vld1q_s8(w + 240), va, 3);
  }
  for (; k < kc; k += 4, w += 64) {
    int32_t four;
    std::memcpy(&four, a0 + k, 4);
    const int8x16_t va = vreinterpretq_s8_s32(vdupq_n_s32(four));
    e0 = vdotq_s32(e0, vld1q_s8(w + 0), va);
    e1 = vdotq_s32(e1, vld1q_s8(w + 16), va);
    e2 = vdotq_s32(e2, vld1q_s8(w + 32), va);
    e3 = vdotq_s32(e3, vld1q_s8(w + 48), va);
  }
  out[0] = vaddq_s32(e0, o0);
  out[1] = vaddq_s32(e1, o1);
  out[2] = vaddq_s32(e2, o2);
  out[3] = vaddq_s32(e3, o3);
}

}  // namespace

void gemv_1x16c4__neondot(size_t, size_t kc, const uint8_t* a, size_t, const int8_t* w, int32_t* d) {
  int32x4_t sums[4];
  dot_panel(kc, reinterpret_cast<const int8_t*>(a), w, sums);
  for (int i = 0; i < 4; ++i) vst1q_s32(d + 4 * i, sums[i]);
}

void gemv_1x16c4_dequant_groups__neondot(size_t, const uint8_t* a, size_t, const int8_t* w,
                                         const GroupDequantTerms& t, float* y) {
  // The terms of every panel's 16 columns are readable (zero past N).
  const int32_t za = t.za[0];
  const float sa = t.sa[0];
  float32x4_t sums[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    int32x4_t acc[4];
    dot_panel(g + 1 < t.groups ? t.group_kc : t.last_kc, reinterpret_cast<const int8_t*>(a) + off, w + off * 16, acc);
    for (int i = 0; i < 4; ++i) {
      const size_t c = g * t.stride + 4 * i;
      // Epilogues::correct (wrapping MLA / MLS), then ref::dequant_term added to the sum (no FMA).
      int32x4_t v = vmlaq_n_s32(acc[i], vld1q_s32(t.ck + c), za);
      if (t.zb) v = vmlsq_n_s32(v, vld1q_s32(t.zb + c), t.row_sums[g]);
      const float32x4_t mult = vmulq_n_f32(vld1q_f32(t.sb + c), sa);
      sums[i] = vaddq_f32(sums[i], vmulq_f32(vcvtq_f32_s32(v), mult));
    }
  }
  for (int i = 0; i < 4; ++i) vst1q_f32(y + 4 * i, sums[i]);
}

}  // namespace dotprod
}  // namespace ei8
