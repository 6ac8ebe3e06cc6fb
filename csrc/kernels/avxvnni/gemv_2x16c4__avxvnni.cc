// qu8 x qs8 GEMV micro-kernel (M <= 2, LLM decode), tile 2x16c4, AVX-VNNI. Bandwidth-bound: each
// 64-byte k-block of the panel is read once and prefetched 8 KB ahead, and kSets k-blocks per
// iteration go to independent accumulator sets, so that the vpdpbusd chains hide their latency
// within the 16 ymm registers (one row: 4 sets; two rows: 2). One row is its own instantiation:
// the M = 1 decode case then issues only its own vpdpbusd.
// Same layout and contract as gemm_6x16c4.
#include <immintrin.h>

#include "kernels/avxvnni/avxvnni_kernels.h"
#include "kernels/x86_tile.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {

namespace {

template <int kRows>
void gemv_rows(size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  constexpr int kSets = kRows == 1 ? 4 : 2;
  constexpr size_t kPrefetch = 8192;  // bytes ahead: enough in flight to cover DRAM latency
  const uint8_t* ar[2] = {a, a + (kRows > 1 ? a_stride : 0)};
  __m256i c[kSets][kRows][2];
  for (int s = 0; s < kSets; ++s)
    for (int r = 0; r < kRows; ++r) c[s][r][0] = c[s][r][1] = _mm256_setzero_si256();
  size_t k = 0;
  for (; k + 4 * kSets <= kc; k += 4 * kSets, w += 64 * kSets) {
    for (int s = 0; s < kSets; ++s) _mm_prefetch(reinterpret_cast<const char*>(w) + kPrefetch + 64 * s, _MM_HINT_T0);
    for (int s = 0; s < kSets; ++s) {
      const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64 * s));
      const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 64 * s + 32));
      for (int r = 0; r < kRows; ++r) {
        const __m256i x = broadcast_a_ymm(ar[r] + k + 4 * s);
        c[s][r][0] = EI8_DPBUSD_YMM(c[s][r][0], x, b0);
        c[s][r][1] = EI8_DPBUSD_YMM(c[s][r][1], x, b1);
      }
    }
  }
  for (; k < kc; k += 4, w += 64) {  // fewer than kSets k-blocks left
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w));
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 32));
    for (int r = 0; r < kRows; ++r) {
      const __m256i x = broadcast_a_ymm(ar[r] + k);
      c[0][r][0] = EI8_DPBUSD_YMM(c[0][r][0], x, b0);
      c[0][r][1] = EI8_DPBUSD_YMM(c[0][r][1], x, b1);
    }
  }
  __m256i* out = reinterpret_cast<__m256i*>(d);
  for (int r = 0; r < kRows; ++r)
    for (int j = 0; j < 2; ++j) {
      __m256i sum = c[0][r][j];
      for (int s = 1; s < kSets; ++s) sum = _mm256_add_epi32(sum, c[s][r][j]);
      _mm256_store_si256(out + 2 * r + j, sum);
    }
}

// Per-group weights with f32 output, one row: every group of the panel in one pass, without a
// call and a store of the products per group (the two-row calls take the template of
// gemm_groups__avxvnni.cc). Four k-blocks a step on four accumulator sets, as gemv_rows<1>; the
// f32 sums in y (L1), touched once a group, leave the registers to the sets. Weights without zero
// points (t.zb null, where each group's column term is -colsum) read no column terms: za * ck is
// -(za x the group's weights), one more vpdpbusd per column vector and k-block with za in every
// byte (as the avx512vnni GEMV), wrapping as the correction does.
template <bool kNoTerms>
void dequant_groups_row(const uint8_t* a, const int8_t* w, const GroupDequantTerms& t, float* y) {
  constexpr size_t kPrefetch = 8192;
  const __m256i za8 = _mm256_set1_epi8(static_cast<char>(t.za[0]));
  _mm256_store_ps(y, _mm256_setzero_ps());
  _mm256_store_ps(y + 8, _mm256_setzero_ps());
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc, kc = g + 1 < t.groups ? t.group_kc : t.last_kc;
    const int8_t* wg = w + off * 16;
    const uint8_t* ag = a + off;
    __m256i c[4][2], z[2][2];
    for (int s = 0; s < 4; ++s)
      for (int j = 0; j < 2; ++j) c[s][j] = _mm256_setzero_si256();
    for (int s = 0; s < 2; ++s)
      for (int j = 0; j < 2; ++j) z[s][j] = _mm256_setzero_si256();
    size_t k = 0;
    for (; k + 16 <= kc; k += 16, wg += 256) {
      for (int s = 0; s < 4; ++s) _mm_prefetch(reinterpret_cast<const char*>(wg) + kPrefetch + 64 * s, _MM_HINT_T0);
      for (int s = 0; s < 4; ++s) {
        const __m256i x = broadcast_a_ymm(ag + k + 4 * s);
        for (int j = 0; j < 2; ++j) {
          const __m256i b = _mm256_load_si256(reinterpret_cast<const __m256i*>(wg + 64 * s + 32 * j));
          c[s][j] = EI8_DPBUSD_YMM(c[s][j], x, b);
          if (kNoTerms) z[s % 2][j] = EI8_DPBUSD_YMM(z[s % 2][j], za8, b);
        }
      }
    }
    for (; k < kc; k += 4, wg += 64) {  // fewer than four k-blocks left
      const __m256i x = broadcast_a_ymm(ag + k);
      for (int j = 0; j < 2; ++j) {
        const __m256i b = _mm256_load_si256(reinterpret_cast<const __m256i*>(wg + 32 * j));
        c[0][j] = EI8_DPBUSD_YMM(c[0][j], x, b);
        if (kNoTerms) z[0][j] = EI8_DPBUSD_YMM(z[0][j], za8, b);
      }
    }
    const size_t ct = g * t.stride;
    for (int j = 0; j < 2; ++j) {
      // Epilogues::correct (wrapping int32), then ref::dequant_term added to the sum (no FMA).
      __m256i v = _mm256_add_epi32(_mm256_add_epi32(c[0][j], c[1][j]), _mm256_add_epi32(c[2][j], c[3][j]));
      if (kNoTerms) {
        v = _mm256_sub_epi32(v, _mm256_add_epi32(z[0][j], z[1][j]));
      } else {
        const __m256i ck = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.ck + ct + 8 * j));
        v = _mm256_add_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(t.za[0]), ck));
        if (t.zb) {
          const __m256i zb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.zb + ct + 8 * j));
          v = _mm256_sub_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(t.row_sums[g]), zb));
        }
      }
      const __m256 sb = _mm256_loadu_ps(t.sb + ct + 8 * j);
      const __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_mul_ps(_mm256_set1_ps(t.sa[0]), sb));
      _mm256_store_ps(y + 8 * j, _mm256_add_ps(_mm256_load_ps(y + 8 * j), term));
    }
  }
}

}  // namespace

void gemv_1x16c4_dequant_groups_row(const uint8_t* a, const int8_t* w, const GroupDequantTerms& t, float* y) {
  if (!t.zb && t.za[0] >= 0 && t.za[0] <= 255)
    dequant_groups_row<true>(a, w, t, y);
  else
    dequant_groups_row<false>(a, w, t, y);
}

void gemv_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d) {
  if (mr > 1)
    gemv_rows<2>(kc, a, a_stride, w, d);
  else
    gemv_rows<1>(kc, a, a_stride, w, d);
}

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
