// 4-bit codebook GEMM micro-kernel, tile 4x4c64, AVX-512 VNNI. Compiled with the avx512vnni flags only.
// Reads the packed codebook layout of ref/codebook_ref.h (two 32-k blocks per step, one for an odd
// tail); A as bytes a', AForm::U8. Decodes 64 indices per column with one vpshufb into the column's
// 16-entry int8 table (broadcast to the 4 lanes) and accumulates with vpdpbusd (u8 x s8 -> int32,
// no intermediate saturation): exact for every input. Must equal ref::codebook_matmul_* after the
// driver's epilogues (which subtract za' * colsum).
#include <immintrin.h>

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_*() through and then warn about it (a known
// false positive); nothing here reads an undefined value.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "kernels/codebook_lut.h"

namespace ei8 {
namespace lut {
namespace {

// Sum of the 16 int32 of each of v0..v3, as 4 int32.
inline __m128i reduce4(__m512i v0, __m512i v1, __m512i v2, __m512i v3) {
  const __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(v0, v1), _mm512_unpackhi_epi32(v0, v1));
  const __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(v2, v3), _mm512_unpackhi_epi32(v2, v3));
  const __m512i s = _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23), _mm512_unpackhi_epi64(s01, s23));
  const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
  return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// The 4 x 32 indices of one block (16 bytes per column) as 64 indices of two blocks in k order:
// lanes [block0 lo, block0 hi, block1 lo, block1 hi].
inline __m512i indices2(const uint8_t* block0, const uint8_t* block1, __m256i nibble) {
  const __m256i raw = _mm256_inserti128_si256(
      _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block0))),
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(block1)), 1);
  const __m256i lo = _mm256_and_si256(raw, nibble);                        // [b0 k0..15 | b1 k0..15]
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), nibble);  // [b0 k16..31 | b1 k16..31]
  const __m512i mixed = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);  // [b0 lo, b1 lo, b0 hi, b1 hi]
  return _mm512_shuffle_i64x2(mixed, mixed, _MM_SHUFFLE(3, 1, 2, 0));
}

// The 32 indices of one block in k order, in the low half (the high half zero).
inline __m512i indices1(const uint8_t* block, __m256i nibble) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block));
  const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(raw), _mm_srli_epi16(raw, 4), 1);
  return _mm512_zextsi256_si512(_mm256_and_si256(both, nibble));
}

template <size_t MR>
void run(size_t blocks, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables, int32_t* acc) {
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  __m512i table[4];
  for (size_t c = 0; c < 4; ++c)
    table[c] = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(tables + c * 16)));
  __m512i sum[MR][4];
  for (size_t r = 0; r < MR; ++r)
    for (size_t c = 0; c < 4; ++c) sum[r][c] = _mm512_setzero_si512();
  size_t b = 0;
  for (; b + 2 <= blocks; b += 2, w += 128, a += 64) {
    __m512i av[MR];
    for (size_t r = 0; r < MR; ++r) av[r] = _mm512_loadu_si512(a + r * a_stride);
    for (size_t c = 0; c < 4; ++c) {
      const __m512i wv = _mm512_shuffle_epi8(table[c], indices2(w + c * 16, w + 64 + c * 16, nibble));
      for (size_t r = 0; r < MR; ++r) sum[r][c] = _mm512_dpbusd_epi32(sum[r][c], av[r], wv);
    }
  }
  if (b < blocks) {
    __m512i av[MR];
    for (size_t r = 0; r < MR; ++r) av[r] = _mm512_maskz_loadu_epi8(0xffffffffull, a + r * a_stride);
    for (size_t c = 0; c < 4; ++c) {
      const __m512i wv = _mm512_shuffle_epi8(table[c], indices1(w + c * 16, nibble));
      for (size_t r = 0; r < MR; ++r) sum[r][c] = _mm512_dpbusd_epi32(sum[r][c], av[r], wv);
    }
  }
  for (size_t r = 0; r < MR; ++r)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + r * 4), reduce4(sum[r][0], sum[r][1], sum[r][2], sum[r][3]));
}

void lut4_gemm_4x4c64__avx512vnni(size_t mr, size_t blocks, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                  const int8_t* tables, int32_t* acc) {
  switch (mr) {
    case 1: run<1>(blocks, a, a_stride, w, tables, acc); break;
    case 2: run<2>(blocks, a, a_stride, w, tables, acc); break;
    case 3: run<3>(blocks, a, a_stride, w, tables, acc); break;
    default: run<4>(blocks, a, a_stride, w, tables, acc); break;
  }
}

bool supported(const CpuFeatures& f) {
  return f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni && f.fma;
}

}  // namespace

const LutKernel kLut4Avx512Vnni = {"lut4_gemm_4x4c64__avx512vnni", "avx512vnni", lut4_gemm_4x4c64__avx512vnni, 4,
                                   AForm::U8, supported};

}  // namespace lut
}  // namespace ei8
