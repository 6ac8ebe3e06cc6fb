// qs8 x qs8 GEMM micro-kernel, tile 2x16c4, AVX2, exact for every weight (including -128).
// Weights and activations are widened to int16 and multiplied with vpmaddwd (int32 pair sums,
// no saturation possible). Each accumulator lane holds one column's half (k0+k1 or k2+k3); the
// halves are added at the end. Same layout and contract as gemm_4x16c4.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"

namespace ei8 {
namespace avx2 {

// The 4 activation bytes as int16, repeated in every 64-bit lane: [a0 a1 a2 a3] x 4.
static inline __m256i broadcast_a16(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(v)));
}

// acc lanes [c(2i) half0, c(2i) half1, ...] for 4 columns -> 8 columns in order, halves summed.
static inline __m256i fold(__m256i lo4, __m256i hi4) {
  return _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo4, hi4), 0xD8);
}

void gemm_2x16c4_widen(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  __m256i c0[4], c1[4];
  for (int j = 0; j < 4; ++j) c0[j] = c1[j] = _mm256_setzero_si256();
  for (size_t k = 0; k < kc; k += 4, w += 64) {
    const __m256i x0 = broadcast_a16(a0 + k), x1 = broadcast_a16(a1 + k);
    for (int j = 0; j < 4; ++j) {
      // 16 bytes = 4 columns x 4 k, as int16
      const __m256i b = _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(w + 16 * j)));
      c0[j] = _mm256_add_epi32(c0[j], _mm256_madd_epi16(b, x0));
      c1[j] = _mm256_add_epi32(c1[j], _mm256_madd_epi16(b, x1));
    }
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  _mm256_store_si256(out + 0, fold(c0[0], c0[1]));
  _mm256_store_si256(out + 1, fold(c0[2], c0[3]));
  _mm256_store_si256(out + 2, fold(c1[0], c1[1]));
  _mm256_store_si256(out + 3, fold(c1[2], c1[3]));
}

}  // namespace avx2
}  // namespace ei8
