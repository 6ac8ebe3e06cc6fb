// qu8 x qs8 GEMM micro-kernel, tile 6x16c4, AVX-VNNI (vpdpbusd on ymm: exact int32 sums of
// u8 x s8 products, so one kernel serves every weight). Reads the tiled (nr = 16, kr = 4) layout;
// must equal ref::matmul_i32 after the corrections. 12 accumulators + 2 weights + 1 broadcast.
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

void gemm_6x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  const uint8_t* a4 = mr > 4 ? a3 + a_stride : a3;
  const uint8_t* a5 = mr > 5 ? a4 + a_stride : a4;
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (size_t k = 0; k < kc; k += 4, w += 64) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    __m256i va = broadcast_a(a0 + k);
    c00 = _mm256_dpbusd_avx_epi32(c00, va, b0);
    c01 = _mm256_dpbusd_avx_epi32(c01, va, b1);
    va = broadcast_a(a1 + k);
    c10 = _mm256_dpbusd_avx_epi32(c10, va, b0);
    c11 = _mm256_dpbusd_avx_epi32(c11, va, b1);
    va = broadcast_a(a2 + k);
    c20 = _mm256_dpbusd_avx_epi32(c20, va, b0);
    c21 = _mm256_dpbusd_avx_epi32(c21, va, b1);
    va = broadcast_a(a3 + k);
    c30 = _mm256_dpbusd_avx_epi32(c30, va, b0);
    c31 = _mm256_dpbusd_avx_epi32(c31, va, b1);
    va = broadcast_a(a4 + k);
    c40 = _mm256_dpbusd_avx_epi32(c40, va, b0);
    c41 = _mm256_dpbusd_avx_epi32(c41, va, b1);
    va = broadcast_a(a5 + k);
    c50 = _mm256_dpbusd_avx_epi32(c50, va, b0);
    c51 = _mm256_dpbusd_avx_epi32(c51, va, b1);
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  const __m256i tile[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
  for (int i = 0; i < 12; ++i) _mm256_store_si256(out + i, tile[i]);
}

}  // namespace avxvnni
}  // namespace ei8
