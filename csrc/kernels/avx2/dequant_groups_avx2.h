// Per-group weights with f32 output (DequantGroupsUkernel of kernel_table.h) over a tile kernel of
// 16-column panels, on 256-bit vectors: every group of the panel through the tile kernel into d (in
// L1), then its correction (as Epilogues::correct, wrapping int32) and dequantizing term (multiply,
// multiply, add, never fused, as ref::dequant_term) added to the tile's f32 sums in y, in group
// order. The AVX2 and AVX-VNNI paths instantiate it under their own flags: internal linkage, as
// kernels/x86_tile.h.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace {

// kDot: the tile's GemmUkernel, at most kMaxRows rows; kABytesPerK: 2 for ALayout::WithAbs.
template <GemmUkernel kDot, int kMaxRows, size_t kABytesPerK>
void ymm_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w, const GroupDequantTerms& t,
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
}  // namespace ei8
