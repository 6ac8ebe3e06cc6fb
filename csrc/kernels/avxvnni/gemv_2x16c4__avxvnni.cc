// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x16c4, AVX-VNNI. Bandwidth-bound: each
// 64-byte k-block of the panel is read once and prefetched 8 KB ahead, and kSets k-blocks per
// iteration go to independent accumulator sets, so that the vpdpbusd chains hide their latency
// within the 16 ymm registers (one row: 4 sets; two rows: 2). One row is its own instantiation:
// the M = 1 decode case then issues only its own vpdpbusd.
// Same layout and contract as gemm_6x16c4.
#include <immintrin.h>

#include "kernels/avxvnni/avxvnni_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {

namespace {

template <int kRows>
void gemv_rows(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  constexpr int kSets = kRows == 1 ? 4 : 2;
  constexpr size_t kPrefetch = 8192;  // bytes ahead: enough in flight to cover DRAM latency
  const uint8_t* ar[2] = {a, a + (kRows > 1 ? a_stride : 0)};
  __m256i c[kSets][kRows][2];
  for (int s = 0; s < kSets; ++s)
    for (int r = 0; r < kRows; ++r) c[s][r][0] = c[s][r][1] = _mm256_setzero_si256();
  size_t k = 0;
  for (; k + 4 * kSets <= kc; k += 4 * kSets, w += 64 * kSets) {
    for (int s = 0; s < kSets; ++s) _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 64 * s, _MM_HINT_T0);
    for (int s = 0; s < kSets; ++s) {
      const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64 * s));
      const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64 * s + 32));
      for (int r = 0; r < kRows; ++r) {
        const __m256i x = broadcast_a_ymm(ar[r] + k + 4 * s);
        c[s][r][0] = EI8_DPBUSD_YMM(c[s][r][0], x, b0);
        c[s][r][1] = EI8_DPBUSD_YMM(c[s][r][1], x, b1);
      }
    }
  }
  for (; k < kc; k += 4, w += 64) {  // fewer than kSets k-blocks left
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    for (int r = 0; r < kRows; ++r) {
      const __m256i x = broadcast_a_ymm(ar[r] + k);
      c[0][r][0] = EI8_DPBUSD_YMM(c[0][r][0], x, b0);
      c[0][r][1] = EI8_DPBUSD_YMM(c[0][r][1], x, b1);
    }
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 2; ++j) {
      __m256i sum = c[0][r][j];
      for (int s = 1; s < kSets; ++s) sum = _mm256_add_epi32(sum, c[s][r][j]);
      _mm256_store_si256(out + 2 * r + j, sum);
    }
}

}  // namespace

void gemv_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  if (mr > 1)
    gemv_rows<2>(kc, a, a_stride, w, d);
  else
    gemv_rows<1>(kc, a, a_stride, w, d);
}

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
