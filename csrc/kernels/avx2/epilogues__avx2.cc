// Epilogues on 8 int32 lanes (AVX2); the column tail (< 8) uses the scalar epilogues. Each
// equals the scalar primitive of ref/scalar_math.h lane for lane (no FMA: contraction is off).
// Also used by the AVX-VNNI path.
#include <immintrin.h>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {
namespace avx2 {

static inline __m256i load8(const int32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride) {
  size_t j = 0;
  for (; j + 8 <= nc; j += 8) {
    const __m256i ck = load8(t.ck + j);
    const __m256i zb = t.zb ? load8(t.zb + j) : _mm256_setzero_si256();
    const __m256i bias = t.bias ? load8(t.bias + j) : _mm256_setzero_si256();
    for (size_t i = 0; i < mr; ++i) {
      __m256i v = _mm256_add_epi32(load8(d + i * d_stride + j), _mm256_mullo_epi32(_mm256_set1_epi32(t.za[i]), ck));
      if (t.zb) v = _mm256_sub_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(t.row_sums[i]), zb));
      v = _mm256_add_epi32(v, bias);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i * out_stride + j), v);
    }
  }
  if (j < nc) scalar::correct(d + j, d_stride, mr, nc - j, t.from_column(j), out + j, out_stride);
}

// Lanes already clamped into one byte's range: store their low bytes (8 bytes).
static inline void store_bytes(uint8_t* out, __m256i v) {
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i bytes = _mm256_shuffle_epi8(v, pick);
  const __m128i both = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), both);
}

void requant_float(const RequantTile& t, const float* mult) {
  const __m256 vlo = _mm256_set1_ps(static_cast<float>(t.lo - t.zy));
  const __m256 vhi = _mm256_set1_ps(static_cast<float>(t.hi - t.zy));
  const __m256i vzy = _mm256_set1_epi32(t.zy);
  size_t j = 0;
  for (; j + 8 <= t.nc; j += 8) {
    const __m256 vmult = _mm256_loadu_ps(mult + j);
    for (size_t i = 0; i < t.mr; ++i) {
      const __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(load8(t.acc + i * t.acc_stride + j)), vmult);
      // Clamp in float (integer bounds: same as clamping after rounding), round half to even, + zy.
      const __m256 c = _mm256_min_ps(_mm256_max_ps(x, vlo), vhi);
      store_bytes(t.out + i * t.out_stride + j, _mm256_add_epi32(_mm256_cvtps_epi32(c), vzy));
    }
  }
  if (j < t.nc) scalar::requant_float(t.from_column(j), mult + j);
}

// floor((x * m + 2^30) / 2^31) per lane (TFLite's SaturatingRoundingDoublingHighMul); AVX2 has no
// 64-bit arithmetic shift, so the quotient is read as the high half of (sum << 1).
static inline __m256i srdhm(__m256i x, __m256i m) {
  const __m256i nudge = _mm256_set1_epi64x(int64_t(1) << 30);
  const __m256i even = _mm256_slli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, m), nudge), 1);
  const __m256i odd = _mm256_slli_epi64(
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)), nudge), 1);
  const __m256i r = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  const __m256i int_min = _mm256_set1_epi32(INT32_MIN);
  const __m256i overflow = _mm256_and_si256(_mm256_cmpeq_epi32(x, int_min), _mm256_cmpeq_epi32(m, int_min));
  return _mm256_blendv_epi8(r, _mm256_set1_epi32(INT32_MAX), overflow);
}

// RoundingDivideByPOT with a per-lane exponent in [0, 31].
static inline __m256i rdbpot(__m256i x, __m256i e) {
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, e), one);
  const __m256i remainder = _mm256_and_si256(x, mask);
  const __m256i negative = _mm256_cmpgt_epi32(_mm256_setzero_si256(), x);  // -1 where x < 0
  const __m256i threshold = _mm256_sub_epi32(_mm256_srai_epi32(mask, 1), negative);
  const __m256i up = _mm256_cmpgt_epi32(remainder, threshold);  // -1 where rounding up
  return _mm256_sub_epi32(_mm256_srav_epi32(x, e), up);
}

void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift) {
  const __m256i vzy = _mm256_set1_epi32(t.zy), vlo = _mm256_set1_epi32(t.lo - t.zy), vhi = _mm256_set1_epi32(t.hi - t.zy);
  const __m256i zero = _mm256_setzero_si256();
  size_t j = 0;
  for (; j + 8 <= t.nc; j += 8) {
    const __m256i s = load8(shift + j), vmult = load8(mult + j);
    const __m256i left = _mm256_max_epi32(s, zero), right = _mm256_max_epi32(_mm256_sub_epi32(zero, s), zero);
    for (size_t i = 0; i < t.mr; ++i) {
      const __m256i scaled = rdbpot(srdhm(_mm256_sllv_epi32(load8(t.acc + i * t.acc_stride + j), left), vmult), right);
      // clamp(scaled + zy, lo, hi) == clamp(scaled, lo - zy, hi - zy) + zy, without int32 overflow.
      store_bytes(t.out + i * t.out_stride + j,
                  _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(scaled, vlo), vhi), vzy));
    }
  }
  if (j < t.nc) scalar::requant_fixed(t.from_column(j), mult + j, shift + j);
}

void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y) {
  const __m256 vsa = _mm256_set1_ps(sa);
  size_t j = 0;
  for (; j + 8 <= nc; j += 8) {
    const __m256 mult = _mm256_mul_ps(vsa, _mm256_loadu_ps(sb + j));
    const __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(load8(acc + j)), mult);
    _mm256_storeu_ps(y + j, _mm256_add_ps(_mm256_loadu_ps(y + j), term));
  }
  if (j < nc) scalar::dequant_accumulate(acc + j, nc - j, sa, sb + j, y + j);
}

void dequant_store(const DequantTile& t, const float* sb, const float* bias) {
  size_t j = 0;
  for (; j + 8 <= t.nc; j += 8) {
    const __m256 vsb = _mm256_loadu_ps(sb + j);
    const __m256 vbias = bias ? _mm256_loadu_ps(bias + j) : _mm256_setzero_ps();
    for (size_t i = 0; i < t.mr; ++i) {
      const __m256 mult = _mm256_mul_ps(_mm256_set1_ps(t.sa[i]), vsb);
      const __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(load8(t.acc + i * t.acc_stride + j)), mult);
      __m256 y = _mm256_add_ps(_mm256_setzero_ps(), term);
      if (bias) y = _mm256_add_ps(y, vbias);
      _mm256_storeu_ps(t.out + i * t.out_stride + j, y);
    }
  }
  if (j < t.nc) scalar::dequant_store(t.from_column(j), sb + j, bias ? bias + j : nullptr);
}

}  // namespace avx2
}  // namespace ei8
