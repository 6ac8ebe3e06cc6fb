// 4 x 4 transposes of 32-bit elements, the sparse driver's data movement: A rows into A^T in k-quads
// for the batch kernel, and that kernel's transposed output tile back into rows. SSE2 where the
// build has it (every x86-64 build), element by element otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ei8 {
namespace sparse {

// dst row j, element i = src row i, element j, XOR x (i, j < 4). Rows are 16 bytes at the given byte
// strides, unaligned.
inline void transpose4x4_32(const uint8_t* src, size_t src_stride, uint8_t* dst, size_t dst_stride, uint32_t x) {
#if defined(__SSE2__)
  const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
  const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + src_stride));
  const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * src_stride));
  const __m128i r3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 3 * src_stride));
  const __m128i t0 = _mm_unpacklo_epi32(r0, r1), t1 = _mm_unpackhi_epi32(r0, r1);
  const __m128i t2 = _mm_unpacklo_epi32(r2, r3), t3 = _mm_unpackhi_epi32(r2, r3);
  const __m128i m = _mm_set1_epi32(static_cast<int32_t>(x));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_xor_si128(_mm_unpacklo_epi64(t0, t2), m));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + dst_stride), _mm_xor_si128(_mm_unpackhi_epi64(t0, t2), m));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 2 * dst_stride), _mm_xor_si128(_mm_unpacklo_epi64(t1, t3), m));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 3 * dst_stride), _mm_xor_si128(_mm_unpackhi_epi64(t1, t3), m));
#else
  uint32_t t[4][4];
  for (size_t i = 0; i < 4; ++i) std::memcpy(t[i], src + i * src_stride, 16);
  for (size_t j = 0; j < 4; ++j)
    for (size_t i = 0; i < 4; ++i) {
      const uint32_t v = t[i][j] ^ x;
      std::memcpy(dst + j * dst_stride + 4 * i, &v, 4);
    }
#endif
}

}  // namespace sparse
}  // namespace ei8
