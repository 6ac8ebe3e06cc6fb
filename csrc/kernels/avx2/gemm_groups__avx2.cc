// Per-group weights with f32 output on the AVX2 GEMM tiles (DequantGroupsUkernel of
// kernel_table.h): every group of a panel in one call. Narrow weights take it for M > 1 (their
// GEMVs take gemv_1x16c4_dequant_groups), weights with -128 for every M. Each group's products come from the tile's own kernel (gemm_4x16c4,
// or gemm_2x16c4_widen for weights with -128); its corrected and dequantized terms are then added
// to the tile's f32 sums in y (up to 4 x 16 floats, in L1). Eight accumulators and eight f32 sums
// would take all 16 ymm registers. That replaces a correction pass and a dequantizing pass per
// group, each through memory.
#include <immintrin.h>

#include "kernels/avx2/avx2_kernels.h"

namespace ei8 {
namespace avx2 {

namespace {

// kDot: the tile's GemmUkernel, at most kMaxRows rows; kABytesPerK: 2 for ALayout::WithAbs.
template <GemmUkernel kDot, int kMaxRows, size_t kABytesPerK>
void dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t,
                    float* y) {
  alignas(32) int32_t d[kMaxRows * 16];
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    kDot(mr, g + 1 < t.groups ? t.group_kc : t.last_kc, a + off * kABytesPerK, a_stride, w + off * 16, d);
    // Epilogues::correct, then ref::dequant_term added to the running sum (no FMA).
    for (int h = 0; h < 2; ++h) {
      const size_t c = g * t.stride + 8 * h;
      const __m256i ck = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.ck + c));
      const __m256i zb = t.zb ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.zb + c)) : ck;
      const __m256 sb = _mm256_loadu_ps(t.sb + c);
      for (size_t r = 0; r < mr; ++r) {
        const size_t at = 16 * r + 8 * h;
        __m256i v = _mm256_add_epi32(_mm256_load_si256(reinterpret_cast<const __m256i*>(d + at)),
                                     _mm256_mullo_epi32(_mm256_set1_epi32(t.za[r]), ck));
        if (t.zb) v = _mm256_sub_epi32(v, _mm256_mullo_epi32(_mm256_set1_epi32(t.row_sums[r * t.groups + g]), zb));
        const __m256 term = _mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_mul_ps(_mm256_set1_ps(t.sa[r]), sb));
        const __m256 sum = g ? _mm256_load_ps(y + at) : _mm256_setzero_ps();
        _mm256_store_ps(y + at, _mm256_add_ps(sum, term));
      }
    }
  }
}

}  // namespace

void gemm_4x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_4x16c4, 4, 2>(mr, a, a_stride, w, t, y);
}

void gemm_2x16c4_widen_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                      const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_2x16c4_widen, 2, 1>(mr, a, a_stride, w, t, y);
}

}  // namespace avx2
}  // namespace ei8
