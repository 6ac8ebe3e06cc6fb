// Reference sparse matmul (normative): reads the sparse format entry by entry and computes exactly
// what ref::matmul_* computes on the same weights (DESIGN.md section 2), in the same order.
#pragma once

#include "edge_int8.h"
#include "sparse/sparse.h"

namespace ei8 {
namespace ref {

// Calls f(k, w) for every stored non-zero w = B[k][n] - zb[n] of output n, in ascending k.
template <class F>
void for_each_nonzero(const ei8_sparse& b, size_t n, F&& f) {
  if (b.format == sparse::Format::BSR) {
    const sparse::Bsr& s = b.bsr;
    const size_t br = n / s.r, j = n % s.r;
    for (size_t blk = s.row_ptr[br]; blk < s.row_ptr[br + 1]; ++blk)
      for (size_t cc = 0; cc < s.c; ++cc) {
        const size_t k = size_t(s.index()[blk]) * s.c + cc;
        const int8_t w = s.values()[blk * s.r * s.c + j * s.c + cc];
        if (k < b.k && w != 0) f(k, w);
      }
  } else if (b.format == sparse::Format::NM) {
    const sparse::Nm& s = b.nm;
    const size_t p = n / 16, l = n % 16;
    for (size_t t = 0; t < s.windows; ++t)
      for (size_t slot = 0; slot < 4; ++slot) {
        const int8_t w = s.values(p, t)[l * 4 + slot];
        const size_t k = t * s.window + sparse::Nm::position(s.metadata(p, t), l, slot);
        if (k < b.k && w != 0) f(k, w);
      }
  } else if (b.format == sparse::Format::SELL) {
    const sparse::Sell& s = b.sell;
    const size_t p = n / 16, l = n % 16;
    const uint8_t* slot = s.slot(s.panel_ptr[p]);
    for (size_t t = 0; t < s.windows; ++t)
      for (uint32_t i = 0; i < s.counts(p)[t]; ++i, slot += sparse::Sell::kSlotBytes)
        for (size_t j = 0; j < 4; ++j) {
          const int8_t w = static_cast<int8_t>(slot[64 + 4 * l + j]);
          const size_t k = t * sparse::Sell::kWindow + slot[4 * l + j];
          if (k < b.k && w != 0) f(k, w);
        }
  }
}

// Formats BSR, NM and SELL (the dense format runs the dense reference).
void sparse_matmul_i32(const ei8_activations& a, const ei8_sparse& b, int32_t* out);
void sparse_matmul_requant(const ei8_activations& a, const ei8_sparse& b, const ei8_requant& rq, void* out);
void sparse_matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales, const ei8_sparse& b,
                           const float* bias, float* out);

}  // namespace ref
}  // namespace ei8
