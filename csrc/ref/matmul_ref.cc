// Reference integer matmul (ONNX MatMulInteger) and its epilogues (DESIGN.md section 2).
#include "ref/matmul_ref.h"

#include <algorithm>
#include <vector>

#include "ref/scalar_math.h"

namespace ei8 {
namespace ref {

static int32_t a_at(const ei8_activations& a, size_t m, size_t k) {
  const size_t i = m * a.row_stride + k;
  return a.dtype == EI8_INT8 ? static_cast<const int8_t*>(a.data)[i] : static_cast<const uint8_t*>(a.data)[i];
}
static int32_t za_of(const ei8_activations& a, size_t m) {
  return a.n_zero_points == 1 ? a.zero_point[0] : a.zero_point[m];
}
static int32_t b_at(const RefWeights& b, size_t k, size_t n) {
  const uint8_t raw = b.nk[n * b.w.k + k];
  return b.w.dtype == EI8_INT8 ? static_cast<int8_t>(raw) : raw;
}

// sum over k in [k0, k1) of (A[m,k] - za) * (B[k,n] - zb[g,n]); the caller's K bound keeps it in int32.
static int32_t dot(const ei8_activations& a, const RefWeights& b, size_t m, size_t n, size_t k0, size_t k1) {
  const size_t gs = b.w.group_size ? b.w.group_size : b.w.k;
  const int32_t za = za_of(a, m);
  int64_t acc = 0;
  for (size_t k = k0; k < k1;) {
    // One quantization group at a time (its zero point is fixed within it): the oracle of every
    // test, it should not divide per element.
    const size_t g = k / gs, group_end = std::min(k1, (g + 1) * gs);
    const int32_t zb = b.w.zero_point[g * b.w.n + n];
    for (; k < group_end; ++k) acc += static_cast<int64_t>(a_at(a, m, k) - za) * (b_at(b, k, n) - zb);
  }
  return static_cast<int32_t>(acc);
}

void matmul_i32(const ei8_activations& a, const RefWeights& b, int32_t* out) {
  for (size_t m = 0; m < a.m; ++m)
    for (size_t n = 0; n < b.w.n; ++n) out[m * b.w.n + n] = dot(a, b, m, n, 0, a.k);
}

void requantize_output(int32_t acc, size_t n, float sb, const ei8_requant& rq, void* out, size_t index) {
  if (rq.bias) acc = wrap_add(acc, rq.bias[n]);
  int32_t y;
  if (rq.rounding == EI8_ROUND_FLOAT) {
    y = requantize_float(acc, float_multiplier(rq.a_scale, sb, rq.out_scale), rq.out_zero_point, rq.clamp_min,
                         rq.clamp_max);
  } else {
    int32_t mult, shift;
    quantize_multiplier(static_cast<double>(rq.a_scale) * sb / rq.out_scale, &mult, &shift);
    y = requantize_fixedpoint(acc, mult, shift, rq.out_zero_point, rq.clamp_min, rq.clamp_max);
  }
  if (rq.out_dtype == EI8_INT8)
    static_cast<int8_t*>(out)[index] = static_cast<int8_t>(y);
  else
    static_cast<uint8_t*>(out)[index] = static_cast<uint8_t>(y);
}

void matmul_requant(const ei8_activations& a, const RefWeights& b, const ei8_requant& rq, void* out) {
  const size_t N = b.w.n;
  for (size_t m = 0; m < a.m; ++m)
    for (size_t n = 0; n < N; ++n) requantize_output(dot(a, b, m, n, 0, a.k), n, b.w.scale[n], rq, out, m * N + n);
}

void matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales,
                    const RefWeights& b, const float* bias, float* out) {
  const size_t N = b.w.n, gs = b.w.group_size ? b.w.group_size : b.w.k;
  const size_t groups = b.w.groups;
  for (size_t m = 0; m < a.m; ++m) {
    const float sa = a_scale[n_a_scales == 1 ? 0 : m];
    for (size_t n = 0; n < N; ++n) {
      // y = sum over groups, in order, of fl32(acc_g) * fl32(sa * sb[g,n]); then + bias[n]
      float y = 0.0f;
      for (size_t g = 0; g < groups; ++g) {
        const size_t k0 = g * gs, k1 = k0 + gs < a.k ? k0 + gs : a.k;
        const float sb = b.w.scale[g * N + n];
        y += dequant_term(dot(a, b, m, n, k0, k1), sa, sb);
      }
      if (bias) y += bias[n];
      out[m * N + n] = y;
    }
  }
}

}  // namespace ref
}  // namespace ei8
