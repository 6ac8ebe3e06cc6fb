// Epilogues with NEON (AArch64 ARMv8.0; the integer ones also ARMv7), equal bit for bit to
// kernels/scalar, which they call for the last nc % 8 (or nc % 4) columns. Each vector step is the scalar formula of
// ref/scalar_math.h, instruction for instruction; the comments say why each one is exact.
#include <arm_neon.h>

#include "kernels/neon/neon_kernels.h"
#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {
namespace neon {

// Wrapping int32 arithmetic, as ref::wrap_add / wrap_mul: NEON integer lanes wrap modulo 2^32.
void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride) {
  size_t j = 0;
  for (; j + 4 <= nc; j += 4) {
    const int32x4_t ck = vld1q_s32(t.ck + j);
    const int32x4_t zb = t.zb ? vld1q_s32(t.zb + j) : vdupq_n_s32(0);
    const int32x4_t bias = t.bias ? vld1q_s32(t.bias + j) : vdupq_n_s32(0);
    for (size_t i = 0; i < mr; ++i) {
      int32x4_t v = vmlaq_n_s32(vld1q_s32(d + i * d_stride + j), ck, t.za[i]);
      if (t.zb) v = vmlsq_n_s32(v, zb, t.row_sums[i]);
      vst1q_s32(out + i * out_stride + j, vaddq_s32(v, bias));
    }
  }
  if (j < nc) scalar::correct(d + j, d_stride, mr, nc - j, t.from_column(j), out + j, out_stride);
}

// Eight int32 results (already inside the output range) to bytes: the truncating narrows keep
// the low 8 bits, as static_cast<int8_t / uint8_t> does.
static inline void store8(uint8_t* out, int32x4_t lo4, int32x4_t hi4) {
  const int8x8_t b = vmovn_s16(vcombine_s16(vmovn_s32(lo4), vmovn_s32(hi4)));
  vst1_s8(reinterpret_cast<int8_t*>(out), b);
}

#if defined(__aarch64__)
// ref::requantize_float: round_clamp(fl32(fl32(acc) * mult), lo - zy, hi - zy) + zy.
//  SCVTF rounds to nearest even like static_cast<float>; FMUL is one rounded product (no FMA:
//  -ffp-contract=off); FCVTNS is round-half-even with saturation, like nearbyint within range.
//  round_clamp returns lo' when !(v >= lo') (NaN included), else min(RNE(v), hi') — which is what
//  the select below computes, so no assumption about lo' <= hi' or a finite v is needed.
static inline int32x4_t requant_float4(int32x4_t acc, float32x4_t mult, float32x4_t lo_f,
                                       int32x4_t lo_i, int32x4_t hi_i, int32x4_t zy) {
  const float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc), mult);
  const int32x4_t r = vminq_s32(vcvtnq_s32_f32(v), hi_i);
  const uint32x4_t below = vmvnq_u32(vcgeq_f32(v, lo_f));
  return vaddq_s32(vbslq_s32(below, lo_i, r), zy);
}

void requant_float(const RequantTile& t, const float* mult) {
  const int32_t lo_m = t.lo - t.zy, hi_m = t.hi - t.zy;
  const float32x4_t lo_f = vdupq_n_f32(static_cast<float>(lo_m));
  const int32x4_t lo_i = vdupq_n_s32(lo_m), hi_i = vdupq_n_s32(hi_m), vzy = vdupq_n_s32(t.zy);
  size_t j = 0;
  for (; j + 8 <= t.nc; j += 8) {
    const float32x4_t m0 = vld1q_f32(mult + j), m1 = vld1q_f32(mult + j + 4);
    for (size_t i = 0; i < t.mr; ++i) {
      const int32_t* acc = t.acc + i * t.acc_stride + j;
      const int32x4_t y0 = requant_float4(vld1q_s32(acc), m0, lo_f, lo_i, hi_i, vzy);
      const int32x4_t y1 = requant_float4(vld1q_s32(acc + 4), m1, lo_f, lo_i, hi_i, vzy);
      store8(t.out + i * t.out_stride + j, y0, y1);
    }
  }
  if (j < t.nc) scalar::requant_float(t.from_column(j), mult + j);
}

#endif

// ref::requantize_fixedpoint: TFLite's MultiplyByQuantizedMultiplier, then + zy and the clamp.
//  x << left: SSHL by a non-negative per-lane count wraps like the uint32 shift of the reference.
//  SaturatingRoundingDoublingHighMul == SQRDMULH for every input: both are floor((a*b + 2^30) / 2^31)
//    (gemmlowp's nudge 1 - 2^30 with truncating division equals that floor for negative products,
//    ties included), saturating only at a == b == INT32_MIN.
//  RoundingDivideByPOT (ties away from zero) == SRSHL by -e (ties up) after subtracting 1 from
//    negative x (gemmlowp's fixup; SQADD keeps INT32_MIN, whose remainder is 0 either way).
//  + zy saturating, then v < lo ? lo : min(v, hi): the int64 sum and clamp of the reference.
static inline int32x4_t requant_fixed4(int32x4_t x, int32x4_t mult, int32x4_t shift, int32x4_t zy,
                                       int32x4_t lo, int32x4_t hi) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t right = vminq_s32(shift, zero);  // -exponent of the division, <= 0
  x = vshlq_s32(x, vmaxq_s32(shift, zero));
  x = vqrdmulhq_s32(x, mult);
  x = vqaddq_s32(x, vshrq_n_s32(vandq_s32(x, right), 31));
  x = vrshlq_s32(x, right);
  x = vqaddq_s32(x, zy);
  return vbslq_s32(vcltq_s32(x, lo), lo, vminq_s32(x, hi));
}

void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift) {
  const int32x4_t vzy = vdupq_n_s32(t.zy), vlo = vdupq_n_s32(t.lo), vhi = vdupq_n_s32(t.hi);
  size_t j = 0;
  for (; j + 8 <= t.nc; j += 8) {
    const int32x4_t m0 = vld1q_s32(mult + j), m1 = vld1q_s32(mult + j + 4);
    const int32x4_t s0 = vld1q_s32(shift + j), s1 = vld1q_s32(shift + j + 4);
    for (size_t i = 0; i < t.mr; ++i) {
      const int32_t* acc = t.acc + i * t.acc_stride + j;
      const int32x4_t y0 = requant_fixed4(vld1q_s32(acc), m0, s0, vzy, vlo, vhi);
      const int32x4_t y1 = requant_fixed4(vld1q_s32(acc + 4), m1, s1, vzy, vlo, vhi);
      store8(t.out + i * t.out_stride + j, y0, y1);
    }
  }
  if (j < t.nc) scalar::requant_fixed(t.from_column(j), mult + j, shift + j);
}

#if defined(__aarch64__)
// ref::dequant_term: y += fl32(fl32(acc) * fl32(sa * sb)), each product rounded (no FMA).
void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y) {
  size_t j = 0;
  for (; j + 4 <= nc; j += 4) {
    const float32x4_t mult = vmulq_n_f32(vld1q_f32(sb + j), sa);
    const float32x4_t term = vmulq_f32(vcvtq_f32_s32(vld1q_s32(acc + j)), mult);
    vst1q_f32(y + j, vaddq_f32(vld1q_f32(y + j), term));
  }
  if (j < nc) scalar::dequant_accumulate(acc + j, nc - j, sa, sb + j, y + j);
}

void dequant_store(const DequantTile& t, const float* sb, const float* bias) {
  size_t j = 0;
  for (; j + 4 <= t.nc; j += 4) {
    const float32x4_t vsb = vld1q_f32(sb + j);
    const float32x4_t vbias = bias ? vld1q_f32(bias + j) : vdupq_n_f32(0.0f);
    for (size_t i = 0; i < t.mr; ++i) {
      const float32x4_t mult = vmulq_n_f32(vsb, t.sa[i]);
      const float32x4_t term = vmulq_f32(vcvtq_f32_s32(vld1q_s32(t.acc + i * t.acc_stride + j)), mult);
      float32x4_t y = vaddq_f32(vdupq_n_f32(0.0f), term);
      if (bias) y = vaddq_f32(y, vbias);
      vst1q_f32(t.out + i * t.out_stride + j, y);
    }
  }
  if (j < t.nc) scalar::dequant_store(t.from_column(j), sb + j, bias ? bias + j : nullptr);
}
#endif

}  // namespace neon
}  // namespace ei8
