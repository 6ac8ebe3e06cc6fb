#include "core/dynamic_quant.h"

#include <algorithm>
#include <cmath>

#include "core/threadpool.h"
#include "dispatch/registry.h"
#include "kernels/scalar/scalar_kernels.h"
#include "ref/quantize_ref.h"

namespace ei8 {

ei8_status quantize_rows_u8(const KernelPath& path, const float* x, size_t m, size_t k, bool per_row, float* scale,
                            int32_t* zero_point, uint8_t* q, size_t* bad_index) {
  const DynamicQuantKernels& dq = path.dynamic_quant.minmax ? path.dynamic_quant
                                                            : DynamicQuantKernels{scalar::minmax, scalar::quantize_u8};
  const size_t rows = per_row ? m : 1, len = per_row ? k : m * k;
  bool finite = true;
  for (size_t r = 0; r < rows && finite; ++r) {
    float lo, hi;
    finite = dq.minmax(x + r * len, len, &lo, &hi);
    if (finite) ref::params_from_range(lo, hi, 0, EI8_UINT8, 0, 255, &scale[r], &zero_point[r]);
  }
  if (!finite) {
    for (size_t i = 0; i < m * k; ++i)
      if (!std::isfinite(x[i])) {
        if (bad_index) *bad_index = i;
        break;
      }
    return EI8_E_NONFINITE;
  }
  // Rows are independent: split them over the pool when there is enough work.
  const size_t threads = m * k < (size_t(1) << 16) ? 1 : std::min(ThreadPool::instance().threads(), m);
  auto quantize_rows = [&](size_t t) {
    for (size_t r = t; r < m; r += threads) {
      const size_t p = per_row ? r : 0;
      dq.quantize_u8(x + r * k, k, scale[p], zero_point[p], q + r * k);
    }
  };
  if (threads == 1)
    quantize_rows(0);
  else
    ThreadPool::instance().parallel_for(threads, quantize_rows);
  return EI8_OK;
}

ei8_status quantize_activations_u8(const float* a, size_t m, size_t k, bool per_row, DynamicQuantActivations* out,
                                   size_t* bad_index) {
  const size_t np = per_row ? m : 1;
  out->scale.resize(np);
  out->zero_point.resize(np);
  out->q.resize(m * k);
  const IsaEntry& isa = current_isa();
  ei8_status st;
  if (isa.path) {
    st = quantize_rows_u8(*isa.path, a, m, k, per_row, out->scale.data(), out->zero_point.data(), out->q.data(), bad_index);
  } else {
    const ei8_qview view = per_row ? ei8_qview{1, m, k, EI8_PER_CHANNEL, 0} : ei8_qview{1, 1, m * k, EI8_PER_TENSOR, 0};
    st = ref::choose_qparams(a, view, EI8_UINT8, 0, 0, out->scale.data(), out->zero_point.data(), bad_index);
    if (st == EI8_OK)
      st = ref::quantize(a, view, out->scale.data(), out->zero_point.data(), EI8_UINT8, 0, 255, out->q.data(), bad_index);
  }
  out->view = ei8_activations{out->q.data(), EI8_UINT8, m, k, k, out->zero_point.data(), np};
  return st;
}

}  // namespace ei8
