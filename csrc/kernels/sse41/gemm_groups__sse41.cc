// Per-group weights with f32 output on the SSE4.1 GEMM tiles (DequantGroupsUkernel of
// kernel_table.h), as the AVX2 path's gemm_groups: every group of a panel in one call, the group's
// products from the tile's own kernel (gemm_2x16c4 for M > 1 on narrow weights, whose GEMVs take
// gemv_1x16c4_dequant_groups; gemm_1x16c4_widen for weights with -128), then its corrected and
// dequantized terms added to the tile's f32 sums in y (in L1: the kernels' accumulators already
// fill the 16 xmm registers). The GEMV keeps its own kernel, its sums in registers: through this
// template, 1x4096x4096 with groups of 32 measured about 1.5x slower.
#include <smmintrin.h>

#include "kernels/sse41/sse41_kernels.h"

namespace ei8 {
namespace sse41 {

namespace {

// kDot: the tile's GemmUkernel, at most kMaxRows rows; kABytesPerK: 2 for ALayout::WithAbs.
template <GemmUkernel kDot, int kMaxRows, size_t kABytesPerK>
void dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t,
                    float* y) {
  alignas(16) int32_t d[kMaxRows * 16];
  for (size_t g = 0; g < t.groups; ++g) {
    const size_t off = g * t.group_kc;
    kDot(mr, g + 1 < t.groups ? t.group_kc : t.last_kc, a + off * kABytesPerK, a_stride, w + off * 16, d);
    // Epilogues::correct, then ref::dequant_term added to the running sum (no FMA).
    for (int q = 0; q < 4; ++q) {
      const size_t c = g * t.stride + 4 * q;
      const __m128i ck = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.ck + c));
      const __m128i zb = t.zb ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.zb + c)) : ck;
      const __m128 sb = _mm_loadu_ps(t.sb + c);
      for (size_t r = 0; r < mr; ++r) {
        const size_t at = 16 * r + 4 * q;
        __m128i v = _mm_add_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(d + at)),
                                  _mm_mullo_epi32(_mm_set1_epi32(t.za[r]), ck));
        if (t.zb) v = _mm_sub_epi32(v, _mm_mullo_epi32(_mm_set1_epi32(t.row_sums[r * t.groups + g]), zb));
        const __m128 term = _mm_mul_ps(_mm_cvtepi32_ps(v), _mm_mul_ps(_mm_set1_ps(t.sa[r]), sb));
        const __m128 sum = g ? _mm_load_ps(y + at) : _mm_setzero_ps();
        _mm_store_ps(y + at, _mm_add_ps(sum, term));
      }
    }
  }
}

}  // namespace

void gemm_2x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_2x16c4, 2, 2>(mr, a, a_stride, w, t, y);
}

void gemm_1x16c4_widen_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                      const GroupDequantTerms& t, float* y) {
  dequant_groups<gemm_1x16c4_widen, 1, 1>(mr, a, a_stride, w, t, y);
}

}  // namespace sse41
}  // namespace ei8
