// Per-group weights with f32 output (Ukernel::run_dequant_groups) on the 2x8c16 tile, AArch64 NEON:
// each group of the panel through the tile kernel into 2 x 8 int32 in L1, then its correction
// (MLA / MLS, as neon::correct) and dequantizing term (FMUL, FMUL, FADD, never fused, as
// neon::dequant_accumulate) added to f32 sums kept in registers, in group order. Without it the
// driver called the tile kernel and two epilogues per group. The panel's terms are readable for all
// 8 columns (zero past N). AArch64 only, as the float epilogues.
#include <arm_neon.h>

#include "kernels/neon/neon_kernels.h"

#if defined(__aarch64__)

namespace ei8 {
namespace neon {

namespace {

template <GemmUkernel kTile>
void dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t,
                    float* y) {
  alignas(16) int32_t d[2 * 8];
  float32x4_t sums[2][2];
  for (auto& row : sums) row[0] = row[1] = vdupq_n_f32(0.0f);
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    kTile(mr, g + 1 < t.groups ? t.group_kc : t.last_kc, a + off, a_stride, w + off * 8, d);
    for (int h = 0; h < 2; ++h) {
      const size_t c = g * t.stride + 4 * h;
      const int32x4_t ck = vld1q_s32(t.ck + c);
      const int32x4_t zb = t.zb ? vld1q_s32(t.zb + c) : vdupq_n_s32(0);
      const float32x4_t sb = vld1q_f32(t.sb + c);
      for (size_t r = 0; r < mr; ++r) {
        int32x4_t v = vmlaq_n_s32(vld1q_s32(d + 8 * r + 4 * h), ck, t.za[r]);
        if (t.zb) v = vmlsq_n_s32(v, zb, t.row_sums[r * t.groups + g]);
        const float32x4_t term = vmulq_f32(vcvtq_f32_s32(v), vmulq_n_f32(sb, t.sa[r]));
        sums[r][h] = vaddq_f32(sums[r][h], term);
      }
    }
  }
  for (size_t r = 0; r < mr; ++r) {
    vst1q_f32(y + 8 * r, sums[r][0]);
    vst1q_f32(y + 8 * r + 4, sums[r][1]);
  }
}

}  // namespace

void gemm_2x8c16_dequant_groups__neon_mlal(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_2x8c16__neon_mlal>(mr, a, a_stride, w, t, y);
}

void gemm_2x8c16_dequant_groups__neon_mull(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_2x8c16__neon_mull>(mr, a, a_stride, w, t, y);
}

}  // namespace neon
}  // namespace ei8

#endif
