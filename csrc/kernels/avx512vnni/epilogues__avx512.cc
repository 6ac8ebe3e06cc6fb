// Epilogues on 16 int32 lanes (AVX-512F/BW), masked for the column tail. Each equals the
// scalar primitive of ref/scalar_math.h lane for lane (no FMA: the build disables contraction).
#include <immintrin.h>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

static inline __mmask16 tail_mask(size_t n) { return n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1); }

void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride) {
  for (size_t j = 0; j < nc; j += 16) {
    const __mmask16 m = tail_mask(nc - j);
    const __m512i ck = _mm512_maskz_loadu_epi32(m, t.ck + j);
    const __m512i zb = t.zb ? _mm512_maskz_loadu_epi32(m, t.zb + j) : _mm512_setzero_si512();
    const __m512i bias = t.bias ? _mm512_maskz_loadu_epi32(m, t.bias + j) : _mm512_setzero_si512();
    for (size_t i = 0; i < mr; ++i) {
      __m512i v = _mm512_maskz_loadu_epi32(m, d + i * d_stride + j);
      v = _mm512_add_epi32(v, _mm512_mullo_epi32(_mm512_set1_epi32(t.za[i]), ck));
      if (t.zb) v = _mm512_sub_epi32(v, _mm512_mullo_epi32(_mm512_set1_epi32(t.row_sums[i]), zb));
      _mm512_mask_storeu_epi32(out + i * out_stride + j, m, _mm512_add_epi32(v, bias));
    }
  }
}

// Values already clamped into [lo, hi] (within int8 or uint8): store the low byte of each lane.
static inline void store_bytes(uint8_t* out, __mmask16 m, __m512i v) {
  _mm_mask_storeu_epi8(out, m, _mm512_cvtepi32_epi8(v));
}

void requant_float(const RequantTile& t, const float* mult) {
  const __m512 vlo = _mm512_set1_ps(static_cast<float>(t.lo - t.zy));
  const __m512 vhi = _mm512_set1_ps(static_cast<float>(t.hi - t.zy));
  const __m512i vzy = _mm512_set1_epi32(t.zy);
  // Locals: the byte stores could alias t, which the compiler would then reload every row.
  const int32_t* const acc = t.acc;
  uint8_t* const out = t.out;
  const size_t mr = t.mr, nc = t.nc, as = t.acc_stride, os = t.out_stride;
  for (size_t j = 0; j < nc; j += 16) {
    const __mmask16 m = tail_mask(nc - j);
    const __m512 vmult = _mm512_maskz_loadu_ps(m, mult + j);
    for (size_t i = 0; i < mr; ++i) {
      const __m512 x = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, acc + i * as + j)), vmult);
      // Clamp in float (bounds are integers, so clamping before rounding is the same), then
      // round half to even (the default rounding mode) and add the zero point.
      const __m512 c = _mm512_min_ps(_mm512_max_ps(x, vlo), vhi);
      store_bytes(out + i * os + j, m, _mm512_add_epi32(_mm512_cvtps_epi32(c), vzy));
    }
  }
}

// TFLite's SaturatingRoundingDoublingHighMul: floor((x * m + 2^30) / 2^31); INT32_MIN^2 saturates.
static inline __m512i srdhm(__m512i x, __m512i m) {
  const __m512i nudge = _mm512_set1_epi64(int64_t(1) << 30);
  const __m512i even = _mm512_srai_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, m), nudge), 31);
  const __m512i odd = _mm512_srai_epi64(
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)), nudge), 31);
  __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  const __m512i int_min = _mm512_set1_epi32(INT32_MIN);
  const __mmask16 overflow = _mm512_cmpeq_epi32_mask(x, int_min) & _mm512_cmpeq_epi32_mask(m, int_min);
  return _mm512_mask_mov_epi32(r, overflow, _mm512_set1_epi32(INT32_MAX));
}

// TFLite's RoundingDivideByPOT with a per-lane exponent in [0, 31].
static inline __m512i rdbpot(__m512i x, __m512i e) {
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, e), one);
  const __m512i remainder = _mm512_and_si512(x, mask);
  const __mmask16 negative = _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512());
  const __m512i threshold = _mm512_mask_add_epi32(_mm512_srai_epi32(mask, 1), negative, _mm512_srai_epi32(mask, 1), one);
  const __mmask16 up = _mm512_cmpgt_epi32_mask(remainder, threshold);
  return _mm512_mask_add_epi32(_mm512_srav_epi32(x, e), up, _mm512_srav_epi32(x, e), one);
}

void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift) {
  const __m512i vzy = _mm512_set1_epi32(t.zy), vlo = _mm512_set1_epi32(t.lo - t.zy), vhi = _mm512_set1_epi32(t.hi - t.zy);
  const __m512i zero = _mm512_setzero_si512();
  for (size_t j = 0; j < t.nc; j += 16) {
    const __mmask16 m = tail_mask(t.nc - j);
    const __m512i s = _mm512_maskz_loadu_epi32(m, shift + j);
    const __m512i left = _mm512_max_epi32(s, zero), right = _mm512_max_epi32(_mm512_sub_epi32(zero, s), zero);
    const __m512i vmult = _mm512_maskz_loadu_epi32(m, mult + j);
    for (size_t i = 0; i < t.mr; ++i) {
      const __m512i x = _mm512_maskz_loadu_epi32(m, t.acc + i * t.acc_stride + j);
      const __m512i scaled = rdbpot(srdhm(_mm512_sllv_epi32(x, left), vmult), right);
      // clamp(scaled + zy, lo, hi) == clamp(scaled, lo - zy, hi - zy) + zy, without int32 overflow.
      const __m512i y = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(scaled, vlo), vhi), vzy);
      store_bytes(t.out + i * t.out_stride + j, m, y);
    }
  }
}

void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y) {
  const __m512 vsa = _mm512_set1_ps(sa);
  for (size_t j = 0; j < nc; j += 16) {
    const __mmask16 m = tail_mask(nc - j);
    const __m512 mult = _mm512_mul_ps(vsa, _mm512_maskz_loadu_ps(m, sb + j));
    const __m512 term = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, acc + j)), mult);
    _mm512_mask_storeu_ps(y + j, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + j), term));
  }
}

void dequant_store(const DequantTile& t, const float* sb, const float* bias) {
  const int32_t* const acc = t.acc;
  float* const out = t.out;
  const size_t mr = t.mr, nc = t.nc, as = t.acc_stride, os = t.out_stride;
  for (size_t j = 0; j < nc; j += 16) {
    const __mmask16 m = tail_mask(nc - j);
    const __m512 vsb = _mm512_maskz_loadu_ps(m, sb + j);
    const __m512 vbias = bias ? _mm512_maskz_loadu_ps(m, bias + j) : _mm512_setzero_ps();
    for (size_t i = 0; i < mr; ++i) {
      const __m512 mult = _mm512_mul_ps(_mm512_set1_ps(t.sa[i]), vsb);
      const __m512 term = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, acc + i * as + j)), mult);
      __m512 y = _mm512_add_ps(_mm512_setzero_ps(), term);
      if (bias) y = _mm512_add_ps(y, vbias);
      _mm512_mask_storeu_ps(out + i * os + j, m, y);
    }
  }
}

}  // namespace avx512vnni
}  // namespace ei8
