// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x64c4, AVX-512 VNNI.
// Bandwidth-bound: each 256-byte k-block of the panel is read once and prefetched 8 KB ahead (about
// DRAM latency x one core's bandwidth), and two independent accumulator sets per row hide the
// vpdpbusd latency. One row is its own instantiation: the M = 1 decode case then issues half the
// vpdpbusd, which measurably helps one thread keep up with memory.
// Same layout and contract as gemm_6x64c4 (must equal ref::matmul_i32 after corrections).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

namespace {

inline __m512i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

template <int kRows>
void gemv_rows(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  constexpr size_t kPrefetch = 8192;  // bytes ahead: enough in flight to cover DRAM latency
  const uint8_t* ar[2] = {a, a + (kRows > 1 ? a_stride : 0)};
  __m512i c[kRows][4], e[kRows][4];  // k-blocks 2i and 2i + 1
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) c[r][j] = e[r][j] = _mm512_setzero_si512();
  size_t k = 0;
  for (; k + 8 <= kc; k += 8, w += 512) {
    for (int l = 0; l < 8; ++l) _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 64 * l, _MM_HINT_T0);
    for (int j = 0; j < 4; ++j) {
      const __m512i b = _mm512_load_si512(w + 64 * j);
      const __m512i bn = _mm512_load_si512(w + 256 + 64 * j);
      for (int r = 0; r < kRows; ++r) {
        c[r][j] = _mm512_dpbusd_epi32(c[r][j], broadcast_a(ar[r] + k), b);
        e[r][j] = _mm512_dpbusd_epi32(e[r][j], broadcast_a(ar[r] + k + 4), bn);
      }
    }
  }
  if (k < kc) {
    for (int j = 0; j < 4; ++j) {
      const __m512i b = _mm512_load_si512(w + 64 * j);
      for (int r = 0; r < kRows; ++r) c[r][j] = _mm512_dpbusd_epi32(c[r][j], broadcast_a(ar[r] + k), b);
    }
  }
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 4; ++j) _mm512_store_si512(d + 64 * r + 16 * j, _mm512_add_epi32(c[r][j], e[r][j]));
}

}  // namespace

void gemv_2x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  if (mr > 1)
    gemv_rows<2>(kc, a, a_stride, w, d);
  else
    gemv_rows<1>(kc, a, a_stride, w, d);
}

}  // namespace avx512vnni
}  // namespace ei8
