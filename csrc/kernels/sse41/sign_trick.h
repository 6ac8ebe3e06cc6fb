// The sign trick on 128-bit vectors, shared by the sse41 kernels that use it (gemm_2x16c4,
// gemv_1x16c4). Included only by files compiled with -msse4.1: inline helpers must not cross ISAs.
#pragma once

#include <smmintrin.h>

#include <cstdint>
#include <cstring>

namespace ei8 {
namespace sse41 {

// 4 bytes of A (one k-quad) in every 32-bit lane.
static inline __m128i broadcast_a(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm_set1_epi32(v);
}

// acc += sum over 4 k of a * b for 4 columns: pmaddubsw(|a|, sign(b, a)) gives pairs of |a| * (+-b);
// with |a| <= 128 and |b| <= 127 a pair sums to at most 2 * 128 * 127 = 32512, so the int16 never
// saturates.
static inline __m128i dot4(__m128i acc, __m128i abs_a, __m128i a, __m128i b, __m128i ones) {
  const __m128i pairs = _mm_maddubs_epi16(abs_a, _mm_sign_epi8(b, a));
  return _mm_add_epi32(acc, _mm_madd_epi16(pairs, ones));
}

}  // namespace sse41
}  // namespace ei8
