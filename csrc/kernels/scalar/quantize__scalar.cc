// Dynamic quantization in portable C++, built from the reference's scalar primitive.
#include <algorithm>
#include <cmath>

#include "kernels/scalar/scalar_kernels.h"
#include "ref/scalar_math.h"

namespace ei8 {
namespace scalar {

bool minmax(const float* x, size_t n, float* lo, float* hi) {
  float l = INFINITY, h = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return false;
    l = std::min(l, x[i]);
    h = std::max(h, x[i]);
  }
  *lo = l;
  *hi = h;
  return true;
}

void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q) {
  for (size_t i = 0; i < n; ++i)
    q[i] = static_cast<uint8_t>(ref::round_clamp(x[i] / scale, qmin - zero_point, qmax - zero_point) + zero_point);
}

}  // namespace scalar
}  // namespace ei8
