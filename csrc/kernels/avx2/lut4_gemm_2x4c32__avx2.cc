// 4-bit codebook GEMM micro-kernel, tile 2x4c32, AVX2. Compiled with the avx2 flags only.
// Reads the packed codebook layout of ref/codebook_ref.h; A as int16 (a - za), AForm::S16.
// Decodes 16 indices at a time with one pshufb into the column's 16-entry int8 table, widens to
// int16 and multiplies with vpmaddwd: exact for every input (vpmaddubsw could saturate, DESIGN.md
// section 2). Must equal ref::codebook_matmul_* after the driver's epilogues.
#include <immintrin.h>

#include "kernels/codebook_lut.h"

namespace ei8 {
namespace lut {
namespace {

// Sum of the 8 int32 of each of v0..v3, as 4 int32.
inline __m128i reduce4(__m256i v0, __m256i v1, __m256i v2, __m256i v3) {
  const __m256i s01 = _mm256_add_epi32(_mm256_unpacklo_epi32(v0, v1), _mm256_unpackhi_epi32(v0, v1));
  const __m256i s23 = _mm256_add_epi32(_mm256_unpacklo_epi32(v2, v3), _mm256_unpackhi_epi32(v2, v3));
  const __m256i s = _mm256_add_epi32(_mm256_unpacklo_epi64(s01, s23), _mm256_unpackhi_epi64(s01, s23));
  return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

template <size_t MR>
void run(const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables, int32_t* acc) {
  const __m128i nibble = _mm_set1_epi8(0x0f);
  for (size_t g = 0; g < groups.count; ++g, tables += 64) {
    __m256i sum[MR][4];
    for (size_t r = 0; r < MR; ++r)
      for (size_t c = 0; c < 4; ++c) sum[r][c] = _mm256_setzero_si256();
    for (size_t b = 0; b < groups.blocks(g); ++b, w += 64, a += 64) {
      __m256i a_lo[MR], a_hi[MR];  // k 0..15 and 16..31 as int16
      for (size_t r = 0; r < MR; ++r) {
        a_lo[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + r * a_stride));
        a_hi[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + r * a_stride + 32));
      }
      for (size_t c = 0; c < 4; ++c) {
        const __m128i table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tables + c * 16));
        const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + c * 16));
        const __m128i lo = _mm_shuffle_epi8(table, _mm_and_si128(raw, nibble));
        const __m128i hi = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(raw, 4), nibble));
        const __m256i w_lo = _mm256_cvtepi8_epi16(lo);
        const __m256i w_hi = _mm256_cvtepi8_epi16(hi);
        for (size_t r = 0; r < MR; ++r) {
          sum[r][c] = _mm256_add_epi32(sum[r][c], _mm256_madd_epi16(a_lo[r], w_lo));
          sum[r][c] = _mm256_add_epi32(sum[r][c], _mm256_madd_epi16(a_hi[r], w_hi));
        }
      }
    }
    for (size_t r = 0; r < MR; ++r)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + (g * MR + r) * 4), reduce4(sum[r][0], sum[r][1], sum[r][2], sum[r][3]));
  }
}

void lut4_gemm_2x4c32__avx2(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                            const int8_t* tables, int32_t* acc) {
  if (mr >= 2)
    run<2>(groups, a, a_stride, w, tables, acc);
  else
    run<1>(groups, a, a_stride, w, tables, acc);
}

bool supported(const CpuFeatures& f) { return f.avx2 && f.fma; }

}  // namespace

const LutKernel kLut4Avx2 = {"lut4_gemm_2x4c32__avx2", "avx2", lut4_gemm_2x4c32__avx2, 2, AForm::S16, nullptr,
                             supported};

}  // namespace lut
}  // namespace ei8
