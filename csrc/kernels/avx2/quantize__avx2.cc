// Dynamic quantization on 8 lanes (AVX2); tails use the portable versions. Also used by AVX-VNNI.
#include <immintrin.h>

#include <cmath>

#include <algorithm>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {
namespace avx2 {

bool minmax(const float* x, size_t n, float* lo, float* hi) {
  const __m256 inf = _mm256_set1_ps(INFINITY);
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 vlo = inf, vhi = _mm256_set1_ps(-INFINITY), finite = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    finite = _mm256_and_ps(finite, _mm256_cmp_ps(_mm256_and_ps(v, abs_mask), inf, _CMP_LT_OQ));  // NaN fails too
    vlo = _mm256_min_ps(vlo, v);
    vhi = _mm256_max_ps(vhi, v);
  }
  if (_mm256_movemask_ps(finite) != 0xFF) return false;
  alignas(32) float l[8], h[8];
  _mm256_store_ps(l, vlo);
  _mm256_store_ps(h, vhi);
  float tl, th;
  if (!scalar::minmax(x + i, n - i, &tl, &th)) return false;
  for (int j = 0; j < 8; ++j) {
    tl = std::min(tl, l[j]);
    th = std::max(th, h[j]);
  }
  *lo = tl;
  *hi = th;
  return true;
}

void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q) {
  const __m256 vs = _mm256_set1_ps(scale);
  const __m256 vlo = _mm256_set1_ps(static_cast<float>(qmin - zero_point));
  const __m256 vhi = _mm256_set1_ps(static_cast<float>(qmax - zero_point));
  const __m256i vz = _mm256_set1_epi32(zero_point);
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                        0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    // Clamp the quotient in float (integer bounds), round half to even, add the zero point.
    const __m256 r = _mm256_min_ps(_mm256_max_ps(_mm256_div_ps(_mm256_loadu_ps(x + i), vs), vlo), vhi);
    const __m256i bytes = _mm256_shuffle_epi8(_mm256_add_epi32(_mm256_cvtps_epi32(r), vz), pick);
    const __m128i both = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(q + i), both);
  }
  scalar::quantize_run(x + i, n - i, scale, zero_point, qmin, qmax, q + i);
}

}  // namespace avx2
}  // namespace ei8
