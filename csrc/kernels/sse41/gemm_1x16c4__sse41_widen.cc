// qs8 x qs8 GEMM micro-kernel, tile 1x16c4, SSE4.1, exact for every weight (including -128): the
// AVX2 widening kernel on 128-bit vectors. Weights and activations are widened to int16 and
// multiplied with pmaddwd (int32 pair sums, no saturation possible). Each accumulator lane holds one
// column's half (k0 + k1 or k2 + k3); phaddd adds the halves at the end. One row: its 8
// accumulators, and 8 bytes of weights (2 columns x 4 k) per pmovsxbw. Same layout and contract as
// gemm_2x16c4.
#include <smmintrin.h>

#include <cstring>

#include "kernels/sse41/sse41_kernels.h"

namespace ei8 {
namespace sse41 {

// The 4 activation bytes as int16, twice: [a0 a1 a2 a3 a0 a1 a2 a3].
static inline __m128i broadcast_a16(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm_cvtepi8_epi16(_mm_set1_epi32(v));
}

static void widen_row(size_t kc, const uint8_t* a, const int8_t* w, int32_t* d) {
  __m128i c[8];
  for (int j = 0; j < 8; ++j) c[j] = _mm_setzero_si128();
  for (size_t k = 0; k < kc; k += 4, w += 64) {
    const __m128i x = broadcast_a16(a + k);
    for (int j = 0; j < 8; ++j) {
      // 8 bytes = 2 columns x 4 k, as int16
      const __m128i b = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + 8 * j)));
      c[j] = _mm_add_epi32(c[j], _mm_madd_epi16(b, x));
    }
  }
  __m128i* out = reinterpret_cast<__m128i*>(d);
  for (int j = 0; j < 4; ++j) _mm_store_si128(out + j, _mm_hadd_epi32(c[2 * j], c[2 * j + 1]));
}

void gemm_1x16c4_widen(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  for (size_t r = 0; r < mr; ++r) widen_row(kc, a + r * a_stride, w, d + 16 * r);
}

}  // namespace sse41
}  // namespace ei8
