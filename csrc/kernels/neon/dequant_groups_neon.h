// Per-group weights with f32 output (DequantGroupsUkernel of kernel_table.h) over an AArch64 tile
// kernel of the neon, dotprod or i8mm path: each group of the panel through the tile kernel into
// d (in L1), then its correction (MLA / MLS, as neon::correct) and dequantizing term (FMUL, FMUL,
// FADD, never fused, as neon::dequant_accumulate) added to the tile's f32 sums in y, in group
// order. Without it the driver called the tile kernel and two epilogues per group. The panel's
// terms are readable for all kNr columns (zero past N). Each path's file instantiates it under its
// own flags: internal linkage, as kernels/x86_tile.h.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace {

// kTile: a GemmUkernel of at most kMaxRows rows over panels of kNr columns, A Plain.
template <GemmUkernel kTile, int kMaxRows, size_t kNr>
void neon_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t,
                         float* y) {
  alignas(16) int32_t d[kMaxRows * kNr];
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    kTile(mr, g + 1 < t.groups ? t.group_kc : t.last_kc, a + off, a_stride, w + off * kNr, d);
    for (size_t h = 0; h < kNr / 4; ++h) {
      const size_t c = g * t.stride + 4 * h;
      const int32x4_t ck = vld1q_s32(t.ck + c);
      const int32x4_t zb = t.zb ? vld1q_s32(t.zb + c) : vdupq_n_s32(0);
      const float32x4_t sb = vld1q_f32(t.sb + c);
      for (size_t r = 0; r < mr; ++r) {
        const size_t at = kNr * r + 4 * h;
        int32x4_t v = vmlaq_n_s32(vld1q_s32(d + at), ck, t.za[r]);
        if (t.zb) v = vmlsq_n_s32(v, zb, t.row_sums[r * t.groups + g]);
        const float32x4_t term = vmulq_f32(vcvtq_f32_s32(v), vmulq_n_f32(sb, t.sa[r]));
        const float32x4_t sum = g ? vld1q_f32(y + at) : vdupq_n_f32(0.0f);
        vst1q_f32(y + at, vaddq_f32(sum, term));
      }
    }
  }
}

}  // namespace
}  // namespace ei8
