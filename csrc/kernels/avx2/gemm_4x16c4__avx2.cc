// qs8 x qs8 GEMM micro-kernel, tile 4x16c4, AVX2, for narrow weights (no -128).
// vpmaddubsw(|a|, sign(b, a)) gives pairs of |a| * (+-b); with |a| <= 128 and |b| <= 127 a pair
// sums to at most 2 * 128 * 127 = 32512, so the int16 never saturates (b = -128 with a < 0 would
// need +128 in a signed byte: such weights go to gemm_2x16c4_widen).
// A in ALayout::WithAbs (each 4-byte k-group followed by its absolute values, kernel_table.h).
// Reads the tiled (nr = 16, kr = 4) layout; must equal ref::matmul_i32 after the corrections.
#include <immintrin.h>

#include <cstring>

#include "kernels/avx2/avx2_kernels.h"

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

void gemm_4x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  const uint8_t* a0 = a;
  const uint8_t* a1 = mr > 1 ? a0 + a_stride : a0;
  const uint8_t* a2 = mr > 2 ? a1 + a_stride : a1;
  const uint8_t* a3 = mr > 3 ? a2 + a_stride : a2;
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
  __m256i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (size_t k = 0; k < 2 * kc; k += 8, w += 64) {
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    __m256i va = broadcast_a(a0 + k), ua = broadcast_a(a0 + k + 4);
    c00 = dot8(c00, ua, va, b0, ones);
    c01 = dot8(c01, ua, va, b1, ones);
    va = broadcast_a(a1 + k);
    ua = broadcast_a(a1 + k + 4);
    c10 = dot8(c10, ua, va, b0, ones);
    c11 = dot8(c11, ua, va, b1, ones);
    va = broadcast_a(a2 + k);
    ua = broadcast_a(a2 + k + 4);
    c20 = dot8(c20, ua, va, b0, ones);
    c21 = dot8(c21, ua, va, b1, ones);
    va = broadcast_a(a3 + k);
    ua = broadcast_a(a3 + k + 4);
    c30 = dot8(c30, ua, va, b0, ones);
    c31 = dot8(c31, ua, va, b1, ones);
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  _mm256_store_si256(out + 0, c00);
  _mm256_store_si256(out + 1, c01);
  _mm256_store_si256(out + 2, c10);
  _mm256_store_si256(out + 3, c11);
  _mm256_store_si256(out + 4, c20);
  _mm256_store_si256(out + 5, c21);
  _mm256_store_si256(out + 6, c30);
  _mm256_store_si256(out + 7, c31);
}

}  // namespace avx2
}  // namespace ei8
