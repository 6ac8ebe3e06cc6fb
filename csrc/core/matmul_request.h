// One matmul call as a driver sees it, for every kind of weights W (ei8_packed, ei8_sparse,
// ei8_codebook): the activations, the weights, the output and its epilogue's parameters. The entry
// points of every kind build it with the same three constructors, so that each epilogue's fields
// are filled in one place.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"
#include "core/requant_setup.h"
#include "edge_int8.h"

namespace ei8 {

enum class OutKind { I32, REQUANT, DEQUANT };

template <class W>
struct MatmulRequest {
  const ei8_activations* a;
  const W* w;
  OutKind kind;
  void* out;  // int32_t* (I32), int8/uint8 (REQUANT) or float* (DEQUANT), M x N row-major
  // REQUANT
  const ei8_requant* rq = nullptr;
  const float* mult_float = nullptr;     // N, 'float' rounding
  const int32_t* mult_fixed = nullptr;   // N, 'fixedpoint'
  const int32_t* shift_fixed = nullptr;  // N
  // DEQUANT
  const float* a_scale = nullptr;
  size_t n_a_scales = 1;
  const float* bias_f32 = nullptr;

  static MatmulRequest i32(const ei8_activations* a, const W* w, int32_t* out) {
    return MatmulRequest{a, w, OutKind::I32, out};
  }
  // `m` must outlive the request.
  static MatmulRequest requant(const ei8_activations* a, const W* w, const ei8_requant* rq,
                               const RequantMultipliers& m, void* out) {
    MatmulRequest r{a, w, OutKind::REQUANT, out};
    r.rq = rq;
    r.mult_float = m.mult_float.data();
    r.mult_fixed = m.mult_fixed.data();
    r.shift_fixed = m.shift_fixed.data();
    return r;
  }
  static MatmulRequest dequant(const ei8_activations* a, const W* w, const float* a_scale, size_t n_a_scales,
                               const float* bias, float* out) {
    MatmulRequest r{a, w, OutKind::DEQUANT, out};
    r.a_scale = a_scale;
    r.n_a_scales = n_a_scales;
    r.bias_f32 = bias;
    return r;
  }

  // REQUANT: rows [m0, m0 + mr) and columns [n0, n0 + nc) of the output from their int32 sums,
  // corrected and biased (row i at acc + i * acc_stride), by the path's row epilogue.
  void requantize(const Epilogues& e, const int32_t* acc, size_t acc_stride, size_t m0, size_t mr, size_t n0,
                  size_t nc) const {
    const RequantTile t = {acc, acc_stride, mr, nc, rq->out_zero_point, rq->clamp_min, rq->clamp_max,
                           rq->out_dtype == EI8_UINT8, static_cast<uint8_t*>(out) + m0 * w->n + n0, w->n};
    if (rq->rounding == EI8_ROUND_FLOAT)
      e.requant_float(t, mult_float + n0);
    else
      e.requant_fixed(t, mult_fixed + n0, shift_fixed + n0);
  }

  // DEQUANT of one-group weights: the same tile into f32, sb the weights' scales of columns n0 on.
  void dequantize(const Epilogues& e, const int32_t* acc, size_t acc_stride, size_t m0, size_t mr, size_t n0, size_t nc,
                  const float* sb) const {
    constexpr size_t kRows = 16;  // rows of one epilogue call (sparse tiles have up to 64)
    for (size_t i0 = 0; i0 < mr; i0 += kRows) {
      const size_t rows = mr - i0 < kRows ? mr - i0 : kRows;
      float sa[kRows];
      for (size_t i = 0; i < rows; ++i) sa[i] = a_scale[n_a_scales == 1 ? 0 : m0 + i0 + i];
      const DequantTile t = {acc + i0 * acc_stride, acc_stride, rows, nc, sa,
                             static_cast<float*>(out) + (m0 + i0) * w->n + n0, w->n};
      e.dequant_store(t, sb, bias_f32 ? bias_f32 + n0 : nullptr);
    }
  }
};

// A dequantizing call's activation scales: one, or one per row of A (EI8_E_ARG otherwise), each
// finite and positive (EI8_E_RANGE).
inline ei8_status check_dequant_scales(const ei8_activations* a, const float* a_scale, size_t n_a_scales) {
  if (!a_scale || (n_a_scales != 1 && n_a_scales != a->m)) return EI8_E_ARG;
  for (size_t i = 0; i < n_a_scales; ++i)
    if (!std::isfinite(a_scale[i]) || !(a_scale[i] > 0)) return EI8_E_RANGE;
  return EI8_OK;
}

}  // namespace ei8
