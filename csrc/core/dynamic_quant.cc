#include "core/dynamic_quant.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <new>
#include <vector>

#include "core/threadpool.h"
#include "dispatch/registry.h"
#include "kernels/scalar/scalar_kernels.h"
#include "ref/quantize_ref.h"

namespace ei8 {

namespace {

const DynamicQuantKernels& kernels_of(const KernelPath& path) {
  static const DynamicQuantKernels portable{scalar::minmax, scalar::quantize_run};
  return path.dynamic_quant.minmax ? path.dynamic_quant : portable;
}

// Calls f(offset, length, parameter) for the runs of values that share a parameter, in flat order;
// false (no call) for views whose runs are short: per group, or per channel with inner < kMinKernelRun.
template <typename F>
bool for_each_run(const ei8_qview& v, F f) {
  if (v.granularity == EI8_PER_TENSOR) {
    f(size_t(0), v.outer * v.axis_len * v.inner, size_t(0));
    return true;
  }
  if (v.granularity != EI8_PER_CHANNEL || v.inner < kMinKernelRun) return false;
  for (size_t o = 0; o < v.outer; ++o)
    for (size_t a = 0; a < v.axis_len; ++a) f((o * v.axis_len + a) * v.inner, v.inner, a);
  return true;
}

bool has_long_runs(const ei8_qview& v) {
  return for_each_run(v, [](size_t, size_t, size_t) {});
}

// Per channel along the last axis (inner == 1: a [K, N] tensor per column, as weights are): each
// row of axis_len values goes against the parameter arrays, in portable loops the compiler
// vectorizes (the kernels take one scale and zero point).
bool per_column(const ei8_qview& v) {
  return v.granularity == EI8_PER_CHANNEL && v.inner == 1 && v.axis_len >= kMinKernelRun;
}

// q = sat(RNE(x / s) + z, qmin, qmax) per column, as quantize_run: the quotient clamped to
// [qmin - z, qmax - z] first (integers, so clamping commutes with rounding), then rounded by adding
// and taking away 1.5 * 2^23, which rounds to nearest even for |v| <= 2^22 in the default rounding
// mode; nearbyint is a call where SSE4.1 is not assumed, and no loop around it vectorizes.
void quantize_columns(const float* x, const ei8_qview& v, const float* scale, const int32_t* zero_point,
                      int32_t qmin, int32_t qmax, uint8_t* q) {
  constexpr float kRound = 12582912.0f;
  const size_t n = v.axis_len;
  std::vector<float> lo(n), hi(n);
  for (size_t a = 0; a < n; ++a) {
    lo[a] = static_cast<float>(qmin - zero_point[a]);
    hi[a] = static_cast<float>(qmax - zero_point[a]);
  }
  for (size_t o = 0; o < v.outer; ++o) {
    const float* row = x + o * n;
    uint8_t* out = q + o * n;
    for (size_t a = 0; a < n; ++a) {
      const float r = std::min(std::max(row[a] / scale[a], lo[a]), hi[a]);
      out[a] = static_cast<uint8_t>(static_cast<int32_t>((r + kRound) - kRound) + zero_point[a]);
    }
  }
}

}  // namespace

ei8_status choose_qparams_on(const KernelPath& path, const float* x, const ei8_qview& v, ei8_dtype dt, int symmetric,
                             int narrow, float* scale, int32_t* zero_point, size_t* bad_index) {
  const size_t np = ref::param_count(v);
  const bool columns = per_column(v);
  if (np == 0 || !(columns || has_long_runs(v)))
    return ref::choose_qparams(x, v, dt, symmetric, narrow, scale, zero_point, bad_index);
  const DynamicQuantKernels& dq = kernels_of(path);
  std::vector<float> lo(np, INFINITY), hi(np, -INFINITY);
  bool finite = true;
  if (columns) {
    float l, h;
    finite = dq.minmax(x, v.outer * v.axis_len, &l, &h);  // the whole tensor: finite or not
    for (size_t o = 0; finite && o < v.outer; ++o) {
      const float* row = x + o * v.axis_len;
      for (size_t a = 0; a < v.axis_len; ++a) {
        lo[a] = std::min(lo[a], row[a]);
        hi[a] = std::max(hi[a], row[a]);
      }
    }
  } else {
    for_each_run(v, [&](size_t at, size_t len, size_t p) {
      float l, h;
      if (!finite || !(finite = dq.minmax(x + at, len, &l, &h))) return;
      lo[p] = std::min(lo[p], l);
      hi[p] = std::max(hi[p], h);
    });
  }
  if (!finite) return ref::choose_qparams(x, v, dt, symmetric, narrow, scale, zero_point, bad_index);
  int32_t qmin, qmax;
  ei8_dtype_range(dt, narrow, &qmin, &qmax);
  for (size_t p = 0; p < np; ++p)
    ref::params_from_range(lo[p], hi[p], symmetric, dt, qmin, qmax, &scale[p], &zero_point[p]);
  return EI8_OK;
}

ei8_status quantize_on(const KernelPath& path, const float* x, const ei8_qview& v, const float* scale,
                       const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax, void* out,
                       size_t* bad_index) {
  const size_t np = ref::param_count(v);
  int32_t tmin, tmax;
  ei8_dtype_range(dt, 0, &tmin, &tmax);
  // The reference for its argument errors too: a view without long runs, bad bounds or parameters.
  const bool columns = per_column(v);
  if (np == 0 || !(columns || has_long_runs(v)) || qmin < tmin || qmax > tmax || qmin > qmax ||
      ref::check_params(scale, zero_point, np, tmin, tmax, nullptr) != EI8_OK)
    return ref::quantize(x, v, scale, zero_point, dt, qmin, qmax, out, bad_index);
  const DynamicQuantKernels& dq = kernels_of(path);
  float l, h;
  if (!dq.minmax(x, v.outer * v.axis_len * v.inner, &l, &h))  // the whole tensor: finite or not
    return ref::quantize(x, v, scale, zero_point, dt, qmin, qmax, out, bad_index);
  uint8_t* q = static_cast<uint8_t*>(out);
  if (columns) {
    quantize_columns(x, v, scale, zero_point, qmin, qmax, q);
    return EI8_OK;
  }
  for_each_run(v, [&](size_t at, size_t len, size_t p) {
    dq.quantize_run(x + at, len, scale[p], zero_point[p], qmin, qmax, q + at);
  });
  return EI8_OK;
}

namespace {

template <typename T>
void dequantize_run(const T* q, size_t n, float scale, int32_t zero_point, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(static_cast<int32_t>(q[i]) - zero_point);
}

// One row of a per-column view: parameter arrays indexed like the row.
template <typename T>
void dequantize_columns(const T* q, size_t n, const float* scale, const int32_t* zero_point, float* out) {
  for (size_t a = 0; a < n; ++a) out[a] = scale[a] * static_cast<float>(static_cast<int32_t>(q[a]) - zero_point[a]);
}

}  // namespace

ei8_status dequantize_runs(const void* q, ei8_dtype dt, const ei8_qview& v, const float* scale,
                           const int32_t* zero_point, float* out) {
  const size_t np = ref::param_count(v);
  int32_t tmin, tmax;
  ei8_dtype_range(dt, 0, &tmin, &tmax);
  const bool columns = per_column(v);
  if (np == 0 || !(columns || has_long_runs(v)) ||
      ref::check_params(scale, zero_point, np, tmin, tmax, nullptr) != EI8_OK)
    return ref::dequantize(q, dt, v, scale, zero_point, out);
  if (columns) {
    for (size_t o = 0; o < v.outer; ++o) {
      const size_t at = o * v.axis_len;
      if (dt == EI8_INT8) dequantize_columns(static_cast<const int8_t*>(q) + at, v.axis_len, scale, zero_point, out + at);
      else dequantize_columns(static_cast<const uint8_t*>(q) + at, v.axis_len, scale, zero_point, out + at);
    }
    return EI8_OK;
  }
  for_each_run(v, [&](size_t at, size_t len, size_t p) {
    if (dt == EI8_INT8) dequantize_run(static_cast<const int8_t*>(q) + at, len, scale[p], zero_point[p], out + at);
    else dequantize_run(static_cast<const uint8_t*>(q) + at, len, scale[p], zero_point[p], out + at);
  });
  return EI8_OK;
}

ei8_status quantize_rows_u8(const KernelPath& path, const float* x, size_t m, size_t k, bool per_row, float* scale,
                            int32_t* zero_point, uint8_t* q, size_t* bad_index) {
  const DynamicQuantKernels& dq = kernels_of(path);
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
      dq.quantize_run(x + r * k, k, scale[p], zero_point[p], 0, 255, q + r * k);
    }
  };
  if (threads == 1)
    quantize_rows(0);
  else
    ThreadPool::instance().parallel_for(threads, quantize_rows);
  return EI8_OK;
}

void DynamicQuantActivations::allocate(size_t m, size_t k, size_t np) {
  // The parameters first (4-byte aligned), then the bytes. m x k does not overflow (the callers'
  // check) and np <= m.
  const size_t params = np * (sizeof(float) + sizeof(int32_t));
  if (m * k > SIZE_MAX - params) throw std::bad_alloc();
  uint8_t* base = inline_;
  if (params + m * k > kInlineBytes) {
    heap_.resize(params + m * k);
    base = heap_.data();
  }
  scale = reinterpret_cast<float*>(base);
  zero_point = reinterpret_cast<int32_t*>(base + np * sizeof(float));
  q = base + params;
  n_scales = np;
}

ei8_status quantize_activations_u8(const float* a, size_t m, size_t k, bool per_row, DynamicQuantActivations* out,
                                   size_t* bad_index) {
  const size_t np = per_row ? m : 1;
  out->allocate(m, k, np);
  const IsaEntry& isa = current_isa();
  ei8_status st;
  if (isa.path) {
    st = quantize_rows_u8(*isa.path, a, m, k, per_row, out->scale, out->zero_point, out->q, bad_index);
  } else {
    const ei8_qview view = per_row ? ei8_qview{1, m, k, EI8_PER_CHANNEL, 0} : ei8_qview{1, 1, m * k, EI8_PER_TENSOR, 0};
    st = ref::choose_qparams(a, view, EI8_UINT8, 0, 0, out->scale, out->zero_point, bad_index);
    if (st == EI8_OK) st = ref::quantize(a, view, out->scale, out->zero_point, EI8_UINT8, 0, 255, out->q, bad_index);
  }
  out->view = ei8_activations{out->q, EI8_UINT8, m, k, k, out->zero_point, np};
  return st;
}

}  // namespace ei8
