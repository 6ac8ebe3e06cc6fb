// qs8 x qs8 GEMM micro-kernel, tile 2x16c4, SSE4.1 (SSSE3 instructions), for narrow weights (no
// -128): the AVX2 kernel's sign trick on 128-bit vectors (sign_trick.h). A in ALayout::WithAbs
// (each 4-byte k-group followed by its absolute values, kernel_table.h). Two rows: their 8
// accumulators, the 4 weight vectors and a row's two broadcasts fill the 16 xmm registers.
// Must equal ref::matmul_i32 after the corrections.
#include "kernels/sse41/sign_trick.h"
#include "kernels/sse41/sse41_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace sse41 {

namespace {

template <bool kPrefetch, bool kAccumulate>
struct Tile {
  template <int kRows>
  static void run(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, const int8_t* pf,
                  size_t pf_bytes) {
    SlicePrefetch prefetch(pf, kPrefetch ? pf_bytes : 0, kc / 4);
    const __m128i ones = _mm_set1_epi16(1);
    __m128i* out = reinterpret_cast<__m128i*>(d);
    __m128i c[kRows][4];
    #pragma GCC unroll 2
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) c[r][j] = kAccumulate ? _mm_load_si128(out + 4 * r + j) : _mm_setzero_si128();
    for (size_t k = 0; k < 2 * kc; k += 8, w += 64) {
      __m128i b[4];
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) b[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(w + 16 * j));
      if (kPrefetch) prefetch.step();
      #pragma GCC unroll 2
      for (int r = 0; r < kRows; ++r) {
        const __m128i va = broadcast_a(a + r * a_stride + k), ua = broadcast_a(a + r * a_stride + k + 4);
        #pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) c[r][j] = dot4(c[r][j], ua, va, b[j], ones);
      }
    }
    #pragma GCC unroll 2
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) _mm_store_si128(out + 4 * r + j, c[r][j]);
  }
};

}  // namespace

EI8_DEFINE_TILE_KERNELS(gemm_2x16c4, 2)

}  // namespace sse41
}  // namespace ei8
