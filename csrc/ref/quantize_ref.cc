// Reference quantize / dequantize / parameter choice (DESIGN.md section 2). Normative.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "ref/quantize_ref.h"
#include "ref/scalar_math.h"

namespace ei8 {
namespace ref {

size_t param_count(const ei8_qview& v) {
  if (v.outer == 0 || v.axis_len == 0 || v.inner == 0) return 0;
  switch (v.granularity) {
    case EI8_PER_TENSOR: return 1;
    case EI8_PER_CHANNEL: return v.axis_len;
    case EI8_PER_GROUP:
      if (v.group_size == 0) return 0;
      return v.outer * ((v.axis_len + v.group_size - 1) / v.group_size) * v.inner;
  }
  return 0;
}

size_t param_index(const ei8_qview& v, size_t o, size_t a, size_t i) {
  switch (v.granularity) {
    case EI8_PER_TENSOR: return 0;
    case EI8_PER_CHANNEL: return a;
    case EI8_PER_GROUP: {
      const size_t groups = (v.axis_len + v.group_size - 1) / v.group_size;
      return (o * groups + a / v.group_size) * v.inner + i;
    }
  }
  return 0;
}

// Calls f(flat_index, param_index) for every element in flat (row-major) order.
template <class F>
static void for_each_element(const ei8_qview& v, F&& f) {
  size_t flat = 0;
  for (size_t o = 0; o < v.outer; ++o)
    for (size_t a = 0; a < v.axis_len; ++a)
      for (size_t i = 0; i < v.inner; ++i, ++flat) f(flat, param_index(v, o, a, i));
}

static int32_t load_q(const void* q, ei8_dtype dt, size_t i) {
  return dt == EI8_INT8 ? static_cast<const int8_t*>(q)[i] : static_cast<const uint8_t*>(q)[i];
}

static void store_q(void* q, ei8_dtype dt, size_t i, int32_t v) {
  if (dt == EI8_INT8)
    static_cast<int8_t*>(q)[i] = static_cast<int8_t>(v);
  else
    static_cast<uint8_t*>(q)[i] = static_cast<uint8_t>(v);
}

// Scale and zero point for one slice whose values span [xmin, xmax].
void params_from_range(float xmin, float xmax, int symmetric, ei8_dtype dt, int32_t qmin,
                              int32_t qmax, float* scale, int32_t* zero_point) {
  // The range always contains 0 so that real 0.0 is exactly representable.
  float rmin = std::min(xmin, 0.0f);
  float rmax = std::max(xmax, 0.0f);
  if (symmetric) {
    const float absmax = std::max(-rmin, rmax);
    rmin = -absmax;
    rmax = absmax;
    // int8 symmetric maps [-absmax, absmax] onto [-127, 127]; uint8 onto [0, 255] around 128.
    if (dt == EI8_INT8) {
      qmin = -127;
      qmax = 127;
    }
  }
  const float levels = static_cast<float>(qmax - qmin);
  float s = (rmax - rmin) / levels;
  if (rmax == rmin) {
    s = 1.0f;  // all-zero slice: any positive scale represents it; onnxruntime uses 1
  } else if (!std::isfinite(s)) {
    s = static_cast<float>((static_cast<double>(rmax) - static_cast<double>(rmin)) / levels);
  }
  if (s < FLT_MIN) s = FLT_MIN;  // a tiny range: keep the scale a normal positive number
  *scale = s;
  if (symmetric) {
    *zero_point = dt == EI8_INT8 ? 0 : 128;
    return;
  }
  const float initial = static_cast<float>(qmin) - rmin / s;
  const float clamped = std::max(static_cast<float>(qmin), std::min(static_cast<float>(qmax), initial));
  *zero_point = static_cast<int32_t>(std::nearbyint(clamped));
}

ei8_status choose_qparams(const float* x, const ei8_qview& v, ei8_dtype dt, int symmetric,
                          int narrow, float* scale, int32_t* zero_point, size_t* bad_index) {
  const size_t np = param_count(v);
  if (np == 0) return EI8_E_ARG;
  std::vector<float> lo(np, INFINITY), hi(np, -INFINITY);
  bool bad = false;
  for_each_element(v, [&](size_t flat, size_t p) {
    if (bad) return;
    const float xv = x[flat];
    if (!std::isfinite(xv)) {
      bad = true;
      if (bad_index) *bad_index = flat;
      return;
    }
    lo[p] = std::min(lo[p], xv);
    hi[p] = std::max(hi[p], xv);
  });
  if (bad) return EI8_E_NONFINITE;
  int32_t qmin, qmax;
  ei8_dtype_range(dt, narrow, &qmin, &qmax);
  for (size_t p = 0; p < np; ++p)
    params_from_range(lo[p], hi[p], symmetric, dt, qmin, qmax, &scale[p], &zero_point[p]);
  return EI8_OK;
}

ei8_status check_params(const float* scale, const int32_t* zero_point, size_t np, int32_t qmin,
                        int32_t qmax, size_t* bad_index) {
  for (size_t p = 0; p < np; ++p) {
    const bool scale_ok = scale == nullptr || (std::isfinite(scale[p]) && scale[p] > 0.0f);
    const bool zp_ok = zero_point[p] >= qmin && zero_point[p] <= qmax;
    if (!scale_ok || !zp_ok) {
      if (bad_index) *bad_index = p;
      return EI8_E_RANGE;
    }
  }
  return EI8_OK;
}

ei8_status quantize(const float* x, const ei8_qview& v, const float* scale,
                    const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax, void* out,
                    size_t* bad_index) {
  const size_t np = param_count(v);
  if (np == 0) return EI8_E_ARG;
  int32_t tmin, tmax;
  ei8_dtype_range(dt, 0, &tmin, &tmax);
  if (qmin < tmin || qmax > tmax || qmin > qmax) return EI8_E_RANGE;
  ei8_status st = check_params(scale, zero_point, np, tmin, tmax, bad_index);
  if (st != EI8_OK) return st;
  bool bad = false;
  for_each_element(v, [&](size_t flat, size_t p) {
    if (bad) return;
    if (!std::isfinite(x[flat])) {
      bad = true;
      if (bad_index) *bad_index = flat;
      return;
    }
    // q = sat(RNE(x / s) + z, qmin, qmax)
    const int32_t z = zero_point[p];
    const float ratio = x[flat] / scale[p];
    store_q(out, dt, flat, round_clamp(ratio, qmin - z, qmax - z) + z);
  });
  return bad ? EI8_E_NONFINITE : EI8_OK;
}

ei8_status dequantize(const void* q, ei8_dtype dt, const ei8_qview& v, const float* scale,
                      const int32_t* zero_point, float* out) {
  const size_t np = param_count(v);
  if (np == 0) return EI8_E_ARG;
  int32_t tmin, tmax;
  ei8_dtype_range(dt, 0, &tmin, &tmax);
  ei8_status st = check_params(scale, zero_point, np, tmin, tmax, nullptr);
  if (st != EI8_OK) return st;
  // x = s * (q - z)
  for_each_element(v, [&](size_t flat, size_t p) {
    out[flat] = scale[p] * static_cast<float>(load_q(q, dt, flat) - zero_point[p]);
  });
  return EI8_OK;
}

}  // namespace ref
}  // namespace ei8
