// qu8 x qs8 GEMM micro-kernel, tile 6x16c4, AVX-VNNI (vpdpbusd on ymm: exact int32 sums of
// u8 x s8 products, so one kernel serves every weight). Reads the tiled (nr = 16, kr = 4) layout;
// must equal ref::matmul_i32 after the corrections. 12 accumulators + 2 weights + 1 broadcast of
// the 16 ymm registers. One instantiation per row count, so that a short last tile (M = 16 is
// 6 + 6 + 4) issues only its own rows; the _prefetch and _accumulate variants serve the driver's
// panel and k-chunked schedules (kernel_table.h).
#include <immintrin.h>

#include "kernels/avxvnni/avxvnni_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {

namespace {

template <bool kPrefetch, bool kAccumulate>
struct Tile {
  template <int kRows>
  static void run(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, const int8_t* pf,
                  size_t pf_bytes) {
    SlicePrefetch prefetch(pf, kPrefetch ? pf_bytes : 0, kc / 4);
    __m256i* out = reinterpret_cast<__m256i*>(d);
    __m256i c[kRows][2];
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 2
      for (int j = 0; j < 2; ++j) c[r][j] = kAccumulate ? _mm256_load_si256(out + 2 * r + j) : _mm256_setzero_si256();
    for (size_t k = 0; k < kc; k += 4, w += 64) {
      const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
      const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
      if (kPrefetch) prefetch.step();
      #pragma GCC unroll 8
      for (int r = 0; r < kRows; ++r) {
        const __m256i va = broadcast_a_ymm(a + r * a_stride + k);
        c[r][0] = EI8_DPBUSD_YMM(c[r][0], va, b0);
        c[r][1] = EI8_DPBUSD_YMM(c[r][1], va, b1);
      }
    }
    #pragma GCC unroll 8
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 2
      for (int j = 0; j < 2; ++j) _mm256_store_si256(out + 2 * r + j, c[r][j]);
  }
};

}  // namespace

EI8_DEFINE_TILE_KERNELS(gemm_6x16c4, 6)

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
