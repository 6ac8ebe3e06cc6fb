// qs8 x qs8 GEMV micro-kernel (M = 1, LLM decode), tile 1x16c4, AVX2, narrow weights (no -128),
// sign trick as gemm_4x16c4. Bandwidth-bound: two k-blocks per iteration on independent
// accumulators, weights prefetched ahead. Must equal ref::matmul_i32 after the corrections.
// Per-group weights with f32 output (gemv_1x16c4_dequant_groups): the same loop over each group
// of the panel, the f32 sums kept in registers.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"

namespace ei8 {
namespace avx2 {

static inline __m256i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

static inline __m256i dot8(__m256i acc, __m256i abs_a, __m256i a, __m256i b, __m256i ones) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(abs_a, _mm256_sign_epi8(b, a)), ones));
}

// The products of kc k (a multiple of 4) of one panel: columns 0-7 in lo, 8-15 in hi.
static inline void dot_panel(size_t kc, const uint8_t* a, const int8_t* w, __m256i& lo, __m256i& hi) {
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i c0 = _mm256_setzero_si256(), c1 = c0, e0 = c0, e1 = c0;
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 128) {
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8192, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8256, _MM_HINT_T0);
    const __m256i x = broadcast_a(a + k), y = broadcast_a(a + k + 4);
    const __m256i ux = _mm256_abs_epi8(x), uy = _mm256_abs_epi8(y);
    c0 = dot8(c0, ux, x, _mm256_load_si256(reinterpret_cast<const __m256i*>(w)), ones);
    c1 = dot8(c1, ux, x, _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32)), ones);
    e0 = dot8(e0, uy, y, _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64)), ones);
    e1 = dot8(e1, uy, y, _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 96)), ones);
  }
  if (k < kc) {
    const __m256i x = broadcast_a(a + k), ux = _mm256_abs_epi8(x);
    c0 = dot8(c0, ux, x, _mm256_load_si256(reinterpret_cast<const __m256i*>(w)), ones);
    c1 = dot8(c1, ux, x, _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32)), ones);
  }
  lo = _mm256_add_epi32(c0, e0);
  hi = _mm256_add_epi32(c1, e1);
}

void gemv_1x16c4(size_t /*mr*/, size_t kc, const uint8_t* a, size_t /*a_stride*/, const int8_t* w, int32_t* d) {
  __m256i lo, hi;
  dot_panel(kc, a, w, lo, hi);
  _mm256_store_si256(reinterpret_cast<__m256i*>(d), lo);
  _mm256_store_si256(reinterpret_cast<__m256i*>(d + 8), hi);
}

void gemv_1x16c4_dequant_groups(size_t /*mr*/, const uint8_t* a, size_t /*a_stride*/, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  // The terms of every panel's 16 columns are readable (zero past N): no masks.
  const __m256i za = _mm256_set1_epi32(t.za[0]);
  const __m256 sa = _mm256_set1_ps(t.sa[0]);
  __m256 sums[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    __m256i acc[2];
    dot_panel(g + 1 < t.groups ? t.group_kc : t.last_kc, a + off, w + off * 16, acc[0], acc[1]);
    for (int h = 0; h < 2; ++h) {
      const size_t c = g * t.stride + 8 * h;
      // Epilogues::correct, then ref::dequant_term added to the running sum (no FMA).
      const __m256i ck = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.ck + c));
      __m256i v = _mm256_add_epi32(acc[h], _mm256_mullo_epi32(za, ck));
      if (t.zb)
        v = _mm256_sub_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(t.row_sums[g]),
                                                   _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.zb + c))));
      const __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_mul_ps(sa, _mm256_loadu_ps(t.sb + c)));
      sums[h] = _mm256_add_ps(sums[h], term);
    }
  }
  _mm256_store_ps(y, sums[0]);
  _mm256_store_ps(y + 8, sums[1]);
}

}  // namespace avx2
}  // namespace ei8
