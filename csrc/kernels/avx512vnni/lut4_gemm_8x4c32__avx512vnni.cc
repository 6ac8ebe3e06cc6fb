// 4-bit codebook GEMM micro-kernel, tile 8x4c32, AVX-512 VNNI. Compiled with the avx512vnni flags only.
// Reads the packed codebook layout of ref/codebook_ref.h; A as bytes a', AForm::U8.
//
// One block of a panel is 4 columns x 16 bytes: loaded as one zmm, its low nibbles are k 0..15 of
// column c in 128-bit lane c, its high nibbles k 16..31. One vpshufb against the 4 columns' tables
// (table c in lane c) decodes 64 weights to int8. Each row's 16 activations are broadcast to the 4
// lanes and multiplied with vpdpbusd (u8 x s8 -> int32, no intermediate saturation: exact for every
// input), so one accumulator per row holds all 4 columns: lane c sums column c. The look-ups are
// shared by up to 8 rows. Must equal ref::codebook_matmul_* after the driver's epilogues (which
// subtract za' * colsum); the f32 variant applies the float epilogue itself, with the reference's
// operations in the reference's order.
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

// The sum of each 128-bit lane of v (4 int32 each), lane c to element c.
inline __m128i lane_sums(__m512i v) {
  v = _mm512_add_epi32(v, _mm512_shuffle_epi32(v, _MM_PERM_BADC));  // swap 64-bit halves
  v = _mm512_add_epi32(v, _mm512_shuffle_epi32(v, _MM_PERM_CDAB));  // swap adjacent 32-bit
  return _mm512_castsi512_si128(_mm512_permutexvar_epi32(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), v));
}

// MR rows, U independent accumulators per row (vpdpbusd's latency: one chain per row would stall
// a single row, so few rows spread the blocks' halves over 2 or 4 chains). With DEQ the group sums
// go through the float epilogue (DequantParams) here; otherwise they are stored to acc.
template <size_t MR, size_t U, bool DEQ>
void gemm(const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables, int32_t* acc,
          const DequantParams* p) {
  const __m512i nibble = _mm512_set1_epi8(0x0f);
  __m128 y[MR];
  if (DEQ)
    for (size_t r = 0; r < MR; ++r) y[r] = _mm_loadu_ps(p->y + r * 4);
  for (size_t g = 0; g < groups.count; ++g, tables += 64, acc += MR * 4) {
    const __m512i table = _mm512_loadu_si512(tables);  // column c's 16 centroids in lane c
    __m512i sum[MR][U];
    for (size_t r = 0; r < MR; ++r)
      for (size_t u = 0; u < U; ++u) sum[r][u] = _mm512_setzero_si512();
    // One block: 64 look-ups, then every row's k 0..15 into chain lo and k 16..31 into chain hi.
    auto block = [&](const uint8_t* wb, const uint8_t* ab, size_t lo, size_t hi) {
      const __m512i idx = _mm512_loadu_si512(wb);
      const __m512i w_lo = _mm512_shuffle_epi8(table, _mm512_and_si512(idx, nibble));
      const __m512i w_hi = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(idx, 4), nibble));
      for (size_t r = 0; r < MR; ++r) {
        const uint8_t* ar = ab + r * a_stride;
        sum[r][lo] = _mm512_dpbusd_epi32(sum[r][lo], _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ar))), w_lo);
        sum[r][hi] = _mm512_dpbusd_epi32(sum[r][hi], _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ar + 16))), w_hi);
      }
    };
    const size_t blocks = groups.blocks(g);
    size_t b = 0;
    if (U == 4) {
      for (; b + 2 <= blocks; b += 2, w += 128, a += 64) {
        block(w, a, 0, 1);
        block(w + 64, a + 32, 2 % U, 3 % U);
      }
    }
    for (; b < blocks; ++b, w += 64, a += 32) block(w, a, 0, 1 % U);
    for (size_t r = 0; r < MR; ++r) {
      __m512i total = sum[r][0];
      for (size_t u = 1; u < U; ++u) total = _mm512_add_epi32(total, sum[r][u]);
      if (DEQ) {
        const __m128i colsum = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p->colsum + g * p->stride));
        const __m128i corrected = _mm_sub_epi32(lane_sums(total), _mm_mullo_epi32(_mm_set1_epi32(p->za[r]), colsum));
        const __m128 mult = _mm_mul_ps(_mm_set1_ps(p->sa[r]), _mm_loadu_ps(p->sb + g * p->stride));
        y[r] = _mm_add_ps(y[r], _mm_mul_ps(_mm_cvtepi32_ps(corrected), mult));
      } else {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + r * 4), lane_sums(total));
      }
    }
  }
  if (DEQ)
    for (size_t r = 0; r < MR; ++r) _mm_storeu_ps(p->y + r * 4, y[r]);
}

template <bool DEQ>
void dispatch_rows(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w, const int8_t* tables,
                   int32_t* acc, const DequantParams* p) {
  switch (mr) {
    case 1: gemm<1, 4, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 2: gemm<2, 2, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 3: gemm<3, 2, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 4: gemm<4, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 5: gemm<5, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 6: gemm<6, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    case 7: gemm<7, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
    default: gemm<8, 1, DEQ>(groups, a, a_stride, w, tables, acc, p); break;
  }
}

void lut4_gemm_8x4c32__avx512vnni(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                  const int8_t* tables, int32_t* acc) {
  dispatch_rows<false>(mr, groups, a, a_stride, w, tables, acc, nullptr);
}

void lut4_gemm_f32_8x4c32__avx512vnni(size_t mr, const Groups& groups, const uint8_t* a, size_t a_stride, const uint8_t* w,
                                      const int8_t* tables, const DequantParams& p) {
  dispatch_rows<true>(mr, groups, a, a_stride, w, tables, nullptr, &p);
}

bool supported(const CpuFeatures& f) {
  return f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni && f.fma;
}

}  // namespace

const LutKernel kLut4Avx512Vnni = {"lut4_gemm_8x4c32__avx512vnni", "avx512vnni", lut4_gemm_8x4c32__avx512vnni, 8, AForm::U8,
                                   lut4_gemm_f32_8x4c32__avx512vnni, supported};

}  // namespace lut
}  // namespace ei8
