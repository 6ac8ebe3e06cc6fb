// qs8 x qs8 GEMV micro-kernel (M = 1, LLM decode), tile 1x16c4, SSE4.1 (SSSE3 instructions), narrow
// weights (no -128): gemm_2x16c4's sign trick, A in ALayout::WithAbs as there. Where the tile kernel
// takes one k-quad a step with no prefetch, this one takes two and prefetches the weights 8 KB ahead,
// as AVX2's GEMV: weights streamed from DRAM keep the next lines in flight.
// Must equal ref::matmul_i32 after the corrections.
#include "kernels/sse41/sign_trick.h"
#include "kernels/sse41/sse41_kernels.h"

namespace ei8 {
namespace sse41 {

static inline __m128i load(const int8_t* p) { return _mm_load_si128(reinterpret_cast<const __m128i*>(p)); }

void gemv_1x16c4(size_t /*mr*/, size_t kc, const uint8_t* a, size_t /*a_stride*/, const int8_t* w, int32_t* d) {
  const __m128i ones = _mm_set1_epi16(1);
  __m128i c[4];
  for (int j = 0; j < 4; ++j) c[j] = _mm_setzero_si128();
  // A holds 8 bytes a k-quad (4 values, then their absolute values): 2 * kc in all.
  size_t k = 0;
  for (; k + 16 <= 2 * kc; k += 16, w += 128) {  // two k-quads, 128 bytes of weights
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8192, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8256, _MM_HINT_T0);
    const __m128i x = broadcast_a(a + k), ux = broadcast_a(a + k + 4);
    const __m128i y = broadcast_a(a + k + 8), uy = broadcast_a(a + k + 12);
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[j] = dot4(c[j], ux, x, load(w + 16 * j), ones);
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[j] = dot4(c[j], uy, y, load(w + 64 + 16 * j), ones);
  }
  if (k < 2 * kc) {
    const __m128i x = broadcast_a(a + k), ux = broadcast_a(a + k + 4);
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[j] = dot4(c[j], ux, x, load(w + 16 * j), ones);
  }
  for (int j = 0; j < 4; ++j) _mm_store_si128(reinterpret_cast<__m128i*>(d + 4 * j), c[j]);
}

}  // namespace sse41
}  // namespace ei8
