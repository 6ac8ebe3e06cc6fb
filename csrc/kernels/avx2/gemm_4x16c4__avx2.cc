// qs8 x qs8 GEMM micro-kernel, tile 4x16c4, AVX2, for narrow weights (no -128).
// vpmaddubsw(|a|, sign(b, a)) gives pairs of |a| * (+-b); with |a| <= 128 and |b| <= 127 a pair
// sums to at most 2 * 128 * 127 = 32512, so the int16 never saturates (b = -128 with a < 0 would
// need +128 in a signed byte: such weights go to gemm_2x16c4_widen).
// A in ALayout::WithAbs (each 4-byte k-group followed by its absolute values, kernel_table.h).
// Reads the tiled (nr = 16, kr = 4) layout; must equal ref::matmul_i32 after the corrections.
// One instantiation per row count; the _prefetch and _accumulate variants serve the driver's panel
// and k-chunked schedules (kernel_table.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace avx2 {

static inline __m256i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

// acc += sum over 4 k of a * b for 8 columns.
static inline __m256i dot8(__m256i acc, __m256i abs_a, __m256i a, __m256i b, __m256i ones) {
  const __m256i pairs = _mm256_maddubs_epi16(abs_a, _mm256_sign_epi8(b, a));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, ones));
}

namespace {

template <bool kPrefetch, bool kAccumulate>
struct Tile {
  template <int kRows>
  static void run(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d, const int8_t* pf,
                  size_t pf_bytes) {
    SlicePrefetch prefetch(pf, kPrefetch ? pf_bytes : 0, kc / 4);
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i* out = reinterpret_cast<__m256i*>(d);
    __m256i c[kRows][2];
    #pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 2
      for (int j = 0; j < 2; ++j) c[r][j] = kAccumulate ? _mm256_load_si256(out + 2 * r + j) : _mm256_setzero_si256();
    for (size_t k = 0; k < 2 * kc; k += 8, w += 64) {
      const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
      const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
      if (kPrefetch) prefetch.step();
      #pragma GCC unroll 4
      for (int r = 0; r < kRows; ++r) {
        const __m256i va = broadcast_a(a + r * a_stride + k), ua = broadcast_a(a + r * a_stride + k + 4);
        c[r][0] = dot8(c[r][0], ua, va, b0, ones);
        c[r][1] = dot8(c[r][1], ua, va, b1, ones);
      }
    }
    #pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r)
      #pragma GCC unroll 2
      for (int j = 0; j < 2; ++j) _mm256_store_si256(out + 2 * r + j, c[r][j]);
  }
};

}  // namespace

EI8_DEFINE_TILE_KERNELS(gemm_4x16c4, 4)

}  // namespace avx2
}  // namespace ei8
