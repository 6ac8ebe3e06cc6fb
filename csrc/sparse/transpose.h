// Transposes, the sparse driver's data movement: 4 x 4 of 32-bit elements (A rows into A^T in k-quads
// for the block batch kernel, and the batch kernels' transposed output tiles back into rows) and
// 16 x 16 of bytes (A rows into A^T by bytes for the CSR batch kernel). SSE2 where the build has it
// (every x86-64 build), element by element otherwise.
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

// dst row j, byte i = src row i, byte j, XOR x (i, j < 16). Rows of 16 bytes at the given strides.
inline void transpose16x16_8(const uint8_t* src, size_t src_stride, uint8_t* dst, size_t dst_stride, uint8_t x) {
#if defined(__SSE2__)
  // Four rounds of unpacks, each doubling the width of the interleaved pieces (bytes, then 16, 32
  // and 64 bits).
  __m128i r[16], t[16];
  for (size_t i = 0; i < 16; ++i) r[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * src_stride));
  auto round = [](const __m128i* in, __m128i* out, auto lo, auto hi) {
    for (size_t i = 0; i < 8; ++i) {
      out[i] = lo(in[2 * i], in[2 * i + 1]);
      out[i + 8] = hi(in[2 * i], in[2 * i + 1]);
    }
  };
  round(r, t, [](__m128i a, __m128i b) { return _mm_unpacklo_epi8(a, b); },
        [](__m128i a, __m128i b) { return _mm_unpackhi_epi8(a, b); });
  round(t, r, [](__m128i a, __m128i b) { return _mm_unpacklo_epi16(a, b); },
        [](__m128i a, __m128i b) { return _mm_unpackhi_epi16(a, b); });
  round(r, t, [](__m128i a, __m128i b) { return _mm_unpacklo_epi32(a, b); },
        [](__m128i a, __m128i b) { return _mm_unpackhi_epi32(a, b); });
  round(t, r, [](__m128i a, __m128i b) { return _mm_unpacklo_epi64(a, b); },
        [](__m128i a, __m128i b) { return _mm_unpackhi_epi64(a, b); });
  const __m128i m = _mm_set1_epi8(static_cast<char>(x));
  for (size_t j = 0; j < 16; ++j) {
    // Each round put the low halves into vectors 0-7: output row j is in r[j's 4 bits reversed].
    const size_t v = ((j & 1) << 3) | ((j & 2) << 1) | ((j & 4) >> 1) | ((j & 8) >> 3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + j * dst_stride), _mm_xor_si128(r[v], m));
  }
#else
  for (size_t j = 0; j < 16; ++j)
    for (size_t i = 0; i < 16; ++i) dst[j * dst_stride + i] = src[i * src_stride + j] ^ x;
#endif
}

}  // namespace sparse
}  // namespace ei8
