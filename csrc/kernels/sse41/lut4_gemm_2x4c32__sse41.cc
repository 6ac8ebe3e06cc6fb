// 4-bit codebook GEMM micro-kernel, tile 2x4c32, SSE4.1: the AVX2 kernel's scheme on 128-bit
// vectors, for x86-64 CPUs without AVX2. Compiled with the sse41 flags only.
// Reads the packed codebook layout of ref/codebook_ref.h; A as int16 (a - za), AForm::S16.
// Decodes 16 indices at a time with one pshufb into the column's 16-entry int8 table, widens to
// int16 (pmovsxbw) and multiplies with pmaddwd: exact for every input (pmaddubsw could saturate,
// DESIGN.md section 2). Must equal ref::codebook_matmul_* after the driver's epilogues.
#include <immintrin.h>

#include "kernels/codebook_lut.h"

namespace ei8 {
namespace lut {
namespace {

// Sum of the 4 int32 of each of v0..v3, as 4 int32.
inline __m128i reduce4(__m128i v0, __m128i v1, __m128i v2, __m128i v3) {
  const __m128i s01 = _mm_add_epi32(_mm_unpacklo_epi32(v0, v1), _mm_unpackhi_epi32(v0, v1));
  const __m128i s23 = _mm_add_epi32(_mm_unpacklo_epi32(v2, v3), _mm_unpackhi_epi32(v2, v3));
  return _mm_add_epi32(_mm_unpacklo_epi64(s01, s23), _mm_unpackhi_epi64(s01, s23));
}

inline __m128i load(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }

// Per block of 32 k and column: four vectors of 8 decoded weights; each row's 32 activations are
// read from L1 per column (with 16 registers, keeping two rows' 8 vectors beside the 8 sums and
// the weights would spill).
template <size_t MR>
void run(const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables,
         int32_t* acc) {
  const __m128i nibble = _mm_set1_epi8(0x0f);
  for (size_t g = 0; g < groups.count; ++g, tables += 64) {
    __m128i sum[MR][4];
    for (size_t r = 0; r < MR; ++r)
      for (size_t c = 0; c < 4; ++c) sum[r][c] = _mm_setzero_si128();
    for (size_t b = 0; b < groups.blocks(g); ++b, w += 64, a += 64) {
      for (size_t c = 0; c < 4; ++c) {
        const __m128i table = load(tables + c * 16);
        const __m128i raw = load(w + c * 16);
        const __m128i lo = _mm_shuffle_epi8(table, _mm_and_si128(raw, nibble));                     // k 0..15
        const __m128i hi = _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(raw, 4), nibble));  // k 16..31
        const __m128i wk[4] = {_mm_cvtepi8_epi16(lo), _mm_cvtepi8_epi16(_mm_srli_si128(lo, 8)), _mm_cvtepi8_epi16(hi),
                               _mm_cvtepi8_epi16(_mm_srli_si128(hi, 8))};
        for (size_t r = 0; r < MR; ++r) {
          const uint8_t* ar = a + r * a_stride;
          const __m128i s01 = _mm_add_epi32(_mm_madd_epi16(load(ar), wk[0]), _mm_madd_epi16(load(ar + 16), wk[1]));
          const __m128i s23 = _mm_add_epi32(_mm_madd_epi16(load(ar + 32), wk[2]), _mm_madd_epi16(load(ar + 48), wk[3]));
          sum[r][c] = _mm_add_epi32(sum[r][c], _mm_add_epi32(s01, s23));
        }
      }
    }
    for (size_t r = 0; r < MR; ++r)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + (g * MR + r) * 4),
                       reduce4(sum[r][0], sum[r][1], sum[r][2], sum[r][3]));
  }
}

void lut4_gemm_2x4c32__sse41(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                             const int8_t* tables, int32_t* acc) {
  if (mr >= 2)
    run<2>(groups, a, a_stride, w, tables, acc);
  else
    run<1>(groups, a, a_stride, w, tables, acc);
}

bool supported(const CpuFeatures& f) { return f.sse41; }

}  // namespace

const LutKernel kLut4Sse41 = {"lut4_gemm_2x4c32__sse41", "sse41", lut4_gemm_2x4c32__sse41, 2, AForm::S16, nullptr,
                              supported};

}  // namespace lut
}  // namespace ei8
