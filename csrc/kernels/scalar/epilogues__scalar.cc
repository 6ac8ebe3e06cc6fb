// Epilogues in portable C++: the scalar primitives of ref/scalar_math.h applied per element. SIMD
// paths use these for their column tails.
#include "kernels/scalar/scalar_kernels.h"
#include "ref/scalar_math.h"

namespace ei8 {
namespace scalar {

void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride) {
  for (size_t i = 0; i < mr; ++i, d += d_stride, out += out_stride) {
    for (size_t j = 0; j < nc; ++j) {
      int32_t v = ref::wrap_add(d[j], ref::wrap_mul(t.za[i], t.ck[j]));
      if (t.zb) v = ref::wrap_sub(v, ref::wrap_mul(t.zb[j], t.row_sums[i]));
      if (t.bias) v = ref::wrap_add(v, t.bias[j]);
      out[j] = v;
    }
  }
}

// v is inside [lo, hi], within the output type: its byte as int8_t or uint8_t.
static uint8_t byte_of(int out_u8, int32_t v) {
  return out_u8 ? static_cast<uint8_t>(v) : static_cast<uint8_t>(static_cast<int8_t>(v));
}

void requant_float(const RequantTile& t, const float* mult) {
  for (size_t i = 0; i < t.mr; ++i) {
    const int32_t* acc = t.acc + i * t.acc_stride;
    uint8_t* out = t.out + i * t.out_stride;
    for (size_t j = 0; j < t.nc; ++j) out[j] = byte_of(t.out_u8, ref::requantize_float(acc[j], mult[j], t.zy, t.lo, t.hi));
  }
}

void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift) {
  for (size_t i = 0; i < t.mr; ++i) {
    const int32_t* acc = t.acc + i * t.acc_stride;
    uint8_t* out = t.out + i * t.out_stride;
    for (size_t j = 0; j < t.nc; ++j)
      out[j] = byte_of(t.out_u8, ref::requantize_fixedpoint(acc[j], mult[j], shift[j], t.zy, t.lo, t.hi));
  }
}

void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y) {
  for (size_t j = 0; j < nc; ++j) y[j] += ref::dequant_term(acc[j], sa, sb[j]);
}

void dequant_store(const DequantTile& t, const float* sb, const float* bias) {
  for (size_t i = 0; i < t.mr; ++i) {
    const int32_t* acc = t.acc + i * t.acc_stride;
    float* out = t.out + i * t.out_stride;
    for (size_t j = 0; j < t.nc; ++j) {
      float y = 0.0f;  // 0.0f + term turns a term of -0.0 into +0.0, as the reference's sum does
      y += ref::dequant_term(acc[j], t.sa[i], sb[j]);
      if (bias) y += bias[j];
      out[j] = y;
    }
  }
}

}  // namespace scalar
}  // namespace ei8
