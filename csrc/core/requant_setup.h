// What every requantizing matmul (dense, sparse, codebook) does before its kernels run: check the
// output quantization and turn the scales into per-column multipliers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "edge_int8.h"

namespace ei8 {

// Per-column requantization multipliers for one (a_scale, out_scale, rounding).
struct RequantMultipliers {
  float a_scale = 0, out_scale = 0;
  ei8_rounding rounding = EI8_ROUND_FLOAT;
  std::vector<float> mult_float;                 // 'float'
  std::vector<int32_t> mult_fixed, shift_fixed;  // 'fixedpoint'
};

// EI8_E_ARG for a null, an unknown dtype or rounding; EI8_E_RANGE for a scale that is not finite
// and positive, or an output zero point or clamp outside the output type.
ei8_status check_requant(const ei8_requant* rq);

// Fills m for the columns' scales b_scale[0..n). false if a multiplier is not finite. May throw
// std::bad_alloc.
bool compute_requant_multipliers(float a_scale, const float* b_scale, size_t n, float out_scale,
                                 ei8_rounding rounding, RequantMultipliers* m);

}  // namespace ei8
