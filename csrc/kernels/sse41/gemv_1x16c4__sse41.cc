// qs8 x qs8 GEMV micro-kernel (M = 1, LLM decode), tile 1x16c4, SSE4.1 (SSSE3 instructions), narrow
// weights (no -128): gemm_2x16c4's sign trick, A in ALayout::WithAbs as there, and its loop, plus one
// prefetch a step (a k-quad's weights are one 64-byte line) 8 KB ahead, as AVX2's GEMV: weights
// streamed from DRAM keep the next lines in flight. Two k-quads a step with two prefetches measured
// 0.94x as fast from DRAM (1x4096x11008) and no faster in L2 or L3 (docs/benchmarks.md).
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
  for (size_t k = 0; k < 2 * kc; k += 8, w += 64) {  // one k-quad, one 64-byte line of weights
    _mm_prefetch(reinterpret_cast<const char*>(w) + 8192, _MM_HINT_T0);
    const __m128i x = broadcast_a(a + k), ux = broadcast_a(a + k + 4);
    #pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[j] = dot4(c[j], ux, x, load(w + 16 * j), ones);
  }
  for (int j = 0; j < 4; ++j) _mm_store_si128(reinterpret_cast<__m128i*>(d + 4 * j), c[j]);
}

}  // namespace sse41
}  // namespace ei8
