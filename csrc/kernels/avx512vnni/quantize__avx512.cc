// Dynamic quantization on 16 lanes (AVX-512F), masked for the tail.
#include <immintrin.h>

#include <cmath>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

static inline __mmask16 tail_mask(size_t n) { return n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1); }

bool minmax(const float* x, size_t n, float* lo, float* hi) {
  const __m512 inf = _mm512_set1_ps(INFINITY);
  __m512 vlo = inf, vhi = _mm512_set1_ps(-INFINITY);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail_mask(n - i);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    if (_mm512_mask_cmp_ps_mask(m, _mm512_abs_ps(v), inf, _CMP_LT_OQ) != m) return false;  // NaN fails too
    vlo = _mm512_mask_min_ps(vlo, m, vlo, v);
    vhi = _mm512_mask_max_ps(vhi, m, vhi, v);
  }
  *lo = _mm512_reduce_min_ps(vlo);
  *hi = _mm512_reduce_max_ps(vhi);
  return true;
}

void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q) {
  const __m512 vs = _mm512_set1_ps(scale);
  const __m512 vlo = _mm512_set1_ps(static_cast<float>(qmin - zero_point));
  const __m512 vhi = _mm512_set1_ps(static_cast<float>(qmax - zero_point));
  const __m512i vz = _mm512_set1_epi32(zero_point);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = tail_mask(n - i);
    // Clamp the quotient in float (integer bounds), round half to even, add the zero point.
    const __m512 r = _mm512_min_ps(_mm512_max_ps(_mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), vs), vlo), vhi);
    _mm_mask_storeu_epi8(q + i, m, _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(r), vz)));
  }
}

}  // namespace avx512vnni
}  // namespace ei8
