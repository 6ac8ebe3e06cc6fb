// Reference sparse matmul: sum over the stored non-zeros of (A - za) * (B - zb), then the epilogues
// of ref/matmul_ref.cc with the same primitives in the same order.
#include "ref/sparse_ref.h"

#include "ref/matmul_ref.h"
#include "ref/scalar_math.h"

namespace ei8 {
namespace ref {

static int32_t a_at(const ei8_activations& a, size_t m, size_t k) {
  const size_t i = m * a.row_stride + k;
  return a.dtype == EI8_INT8 ? static_cast<const int8_t*>(a.data)[i] : static_cast<const uint8_t*>(a.data)[i];
}

// sum over stored k of (A[m,k] - za) * w[k,n]; the caller's K bound keeps it in int32.
static int32_t dot(const ei8_activations& a, const ei8_sparse& b, size_t m, size_t n) {
  const int32_t za = a.zero_point[a.n_zero_points == 1 ? 0 : m];
  int64_t acc = 0;
  for_each_nonzero(b, n, [&](size_t k, int8_t w) { acc += static_cast<int64_t>(a_at(a, m, k) - za) * w; });
  return static_cast<int32_t>(acc);
}

void sparse_matmul_i32(const ei8_activations& a, const ei8_sparse& b, int32_t* out) {
  for (size_t m = 0; m < a.m; ++m)
    for (size_t n = 0; n < b.n; ++n) out[m * b.n + n] = dot(a, b, m, n);
}

void sparse_matmul_requant(const ei8_activations& a, const ei8_sparse& b, const ei8_requant& rq, void* out) {
  const size_t N = b.n;
  for (size_t m = 0; m < a.m; ++m)
    for (size_t n = 0; n < N; ++n) requantize_output(dot(a, b, m, n), n, b.scale[n], rq, out, m * N + n);
}

void sparse_matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales, const ei8_sparse& b,
                           const float* bias, float* out) {
  const size_t N = b.n;
  for (size_t m = 0; m < a.m; ++m) {
    const float sa = a_scale[n_a_scales == 1 ? 0 : m];
    for (size_t n = 0; n < N; ++n) {
      // y = 0 + fl32(acc) * fl32(sa * sb[n]); then + bias[n] (one group: ref::matmul_dequant's order)
      float y = 0.0f;
      y += dequant_term(dot(a, b, m, n), sa, b.scale[n]);
      if (bias) y += bias[n];
      out[m * N + n] = y;
    }
  }
}

}  // namespace ref
}  // namespace ei8
