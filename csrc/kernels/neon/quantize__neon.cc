// Dynamic quantization (matmulF32) with AArch64 NEON on 4 lanes; tails use the portable versions.
// Shared by the dotprod and i8mm paths (ARMv8.0 instructions only). ARMv7 uses the portable ones
// (no vector division).
#include <arm_neon.h>

#include <algorithm>
#include <cmath>

#include "kernels/neon/neon_kernels.h"
#include "kernels/scalar/scalar_kernels.h"

#if defined(__aarch64__)

namespace ei8 {
namespace neon {

// FACLT |x| < inf is false for +-inf and NaN. min/max values are exact (only the sign of a zero
// result may differ from std::min's pick, which changes no quantization parameter).
bool minmax(const float* x, size_t n, float* lo, float* hi) {
  const float32x4_t inf = vdupq_n_f32(INFINITY);
  float32x4_t vlo = inf, vhi = vdupq_n_f32(-INFINITY);
  uint32x4_t finite = vdupq_n_u32(~0u);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = vld1q_f32(x + i);
    finite = vandq_u32(finite, vcaltq_f32(v, inf));
    vlo = vminq_f32(vlo, v);
    vhi = vmaxq_f32(vhi, v);
  }
  if (vminvq_u32(finite) == 0) return false;
  float tl, th;
  if (!scalar::minmax(x + i, n - i, &tl, &th)) return false;
  *lo = std::min(tl, vminvq_f32(vlo));
  *hi = std::max(th, vmaxvq_f32(vhi));
  return true;
}

// q = round_clamp(x / s, -z, 255 - z) + z (ref::round_clamp): FDIV is the IEEE quotient, FCVTNS
// rounds half to even and saturates (+-inf from an overflowing quotient included), and clamping
// the integer to the integer bounds equals clamping the float first. x is finite (minmax ran).
void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q) {
  const float32x4_t vs = vdupq_n_f32(scale);
  const int32x4_t vlo = vdupq_n_s32(qmin - zero_point), vhi = vdupq_n_s32(qmax - zero_point);
  const int32x4_t vz = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    int32x4_t r0 = vcvtnq_s32_f32(vdivq_f32(vld1q_f32(x + i), vs));
    int32x4_t r1 = vcvtnq_s32_f32(vdivq_f32(vld1q_f32(x + i + 4), vs));
    r0 = vaddq_s32(vminq_s32(vmaxq_s32(r0, vlo), vhi), vz);
    r1 = vaddq_s32(vminq_s32(vmaxq_s32(r1, vlo), vhi), vz);
    const uint16x8_t h = vcombine_u16(vmovn_u32(vreinterpretq_u32_s32(r0)), vmovn_u32(vreinterpretq_u32_s32(r1)));
    vst1_u8(q + i, vmovn_u16(h));
  }
  scalar::quantize_run(x + i, n - i, scale, zero_point, qmin, qmax, q + i);
}

}  // namespace neon
}  // namespace ei8

#endif
