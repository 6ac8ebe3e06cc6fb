#include "core/requant_setup.h"

#include <cmath>

#include "ref/scalar_math.h"

namespace ei8 {

ei8_status check_requant(const ei8_requant* rq) {
  if (!rq || (rq->out_dtype != EI8_INT8 && rq->out_dtype != EI8_UINT8)) return EI8_E_ARG;
  if (rq->rounding != EI8_ROUND_FLOAT && rq->rounding != EI8_ROUND_FIXEDPOINT) return EI8_E_ARG;
  int32_t qmin, qmax;
  ei8_dtype_range(rq->out_dtype, 0, &qmin, &qmax);
  const bool scales_ok = std::isfinite(rq->a_scale) && rq->a_scale > 0 && std::isfinite(rq->out_scale) && rq->out_scale > 0;
  if (!scales_ok || rq->out_zero_point < qmin || rq->out_zero_point > qmax) return EI8_E_RANGE;
  if (rq->clamp_min < qmin || rq->clamp_max > qmax || rq->clamp_min > rq->clamp_max) return EI8_E_RANGE;
  return EI8_OK;
}

bool compute_requant_multipliers(float a_scale, const float* b_scale, size_t n, float out_scale,
                                 ei8_rounding rounding, RequantMultipliers* m) {
  m->a_scale = a_scale;
  m->out_scale = out_scale;
  m->rounding = rounding;
  if (rounding == EI8_ROUND_FLOAT) {
    m->mult_float.resize(n);
    for (size_t j = 0; j < n; ++j) {
      m->mult_float[j] = ref::float_multiplier(a_scale, b_scale[j], out_scale);
      if (!std::isfinite(m->mult_float[j])) return false;
    }
  } else {
    m->mult_fixed.resize(n);
    m->shift_fixed.resize(n);
    for (size_t j = 0; j < n; ++j) {
      const double real = static_cast<double>(a_scale) * b_scale[j] / out_scale;
      if (!std::isfinite(real)) return false;
      ref::quantize_multiplier(real, &m->mult_fixed[j], &m->shift_fixed[j]);
    }
  }
  return true;
}

}  // namespace ei8
