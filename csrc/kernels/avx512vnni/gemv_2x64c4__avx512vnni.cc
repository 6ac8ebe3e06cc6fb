// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x64c4, AVX-512 VNNI.
// Bandwidth-bound: each 256-byte k-block of the panel is read once and prefetched 8 KB ahead (about
// DRAM latency x one core's bandwidth), and two independent accumulator sets per row hide the
// vpdpbusd latency.
// Same layout and contract as gemm_6x64c4 (must equal ref::matmul_i32 after corrections).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

static inline __m512i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

void gemv_2x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  constexpr size_t kPrefetch = 8192;  // bytes ahead: enough in flight to cover DRAM latency
  __m512i c0[4], c1[4], e0[4], e1[4];
  for (int j = 0; j < 4; ++j) c0[j] = c1[j] = e0[j] = e1[j] = _mm512_setzero_si512();
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 512) {
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 64, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 128, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 192, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 256, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 320, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 384, _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 448, _MM_HINT_T0);
    const __m512i x0 = broadcast_a(a0 + k), x1 = broadcast_a(a1 + k);
    const __m512i y0 = broadcast_a(a0 + k + 4), y1 = broadcast_a(a1 + k + 4);
    for (int j = 0; j < 4; ++j) {
      const __m512i b = _mm512_load_si512(w + 64 * j);
      const __m512i bn = _mm512_load_si512(w + 256 + 64 * j);
      c0[j] = _mm512_dpbusd_epi32(c0[j], x0, b);
      c1[j] = _mm512_dpbusd_epi32(c1[j], x1, b);
      e0[j] = _mm512_dpbusd_epi32(e0[j], y0, bn);
      e1[j] = _mm512_dpbusd_epi32(e1[j], y1, bn);
    }
  }
  if (k < kc) {
    const __m512i x0 = broadcast_a(a0 + k), x1 = broadcast_a(a1 + k);
    for (int j = 0; j < 4; ++j) {
      const __m512i b = _mm512_load_si512(w + 64 * j);
      c0[j] = _mm512_dpbusd_epi32(c0[j], x0, b);
      c1[j] = _mm512_dpbusd_epi32(c1[j], x1, b);
    }
  }
  for (int j = 0; j < 4; ++j) {
    _mm512_store_si512(d + 16 * j, _mm512_add_epi32(c0[j], e0[j]));
    _mm512_store_si512(d + 64 + 16 * j, _mm512_add_epi32(c1[j], e1[j]));
  }
}

}  // namespace avx512vnni
}  // namespace ei8
