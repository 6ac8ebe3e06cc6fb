// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x16c4, AVX-VNNI. Bandwidth-bound: two
// k-blocks per iteration on independent accumulators, weights prefetched ahead.
// Same layout and contract as gemm_6x16c4.
#include <immintrin.h>

#include <cstring>

#include "kernels/avxvnni/avxvnni_kernels.h"

namespace ei8 {
namespace avxvnni {

static inline __m256i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

void gemv_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
  __m256i e00 = c00, e01 = c00, e10 = c00, e11 = c00;
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 128) {
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8192, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8256, _MM_HINT_T0);
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    const __m256i b2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64));
    const __m256i b3 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 96));
    const __m256i x0 = broadcast_a(a0 + k), x1 = broadcast_a(a1 + k);
    const __m256i y0 = broadcast_a(a0 + k + 4), y1 = broadcast_a(a1 + k + 4);
    c00 = _mm256_dpbusd_avx_epi32(c00, x0, b0);
    c01 = _mm256_dpbusd_avx_epi32(c01, x0, b1);
    c10 = _mm256_dpbusd_avx_epi32(c10, x1, b0);
    c11 = _mm256_dpbusd_avx_epi32(c11, x1, b1);
    e00 = _mm256_dpbusd_avx_epi32(e00, y0, b2);
    e01 = _mm256_dpbusd_avx_epi32(e01, y0, b3);
    e10 = _mm256_dpbusd_avx_epi32(e10, y1, b2);
    e11 = _mm256_dpbusd_avx_epi32(e11, y1, b3);
  }
  if (k < kc) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    const __m256i x0 = broadcast_a(a0 + k), x1 = broadcast_a(a1 + k);
    c00 = _mm256_dpbusd_avx_epi32(c00, x0, b0);
    c01 = _mm256_dpbusd_avx_epi32(c01, x0, b1);
    c10 = _mm256_dpbusd_avx_epi32(c10, x1, b0);
    c11 = _mm256_dpbusd_avx_epi32(c11, x1, b1);
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  _mm256_store_si256(out + 0, _mm256_add_epi32(c00, e00));
  _mm256_store_si256(out + 1, _mm256_add_epi32(c01, e01));
  _mm256_store_si256(out + 2, _mm256_add_epi32(c10, e10));
  _mm256_store_si256(out + 3, _mm256_add_epi32(c11, e11));
}

}  // namespace avxvnni
}  // namespace ei8
