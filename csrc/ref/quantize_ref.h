// Reference quantization (normative). See edge_int8.h for the contracts.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edge_int8.h"

namespace ei8 {
namespace ref {

size_t param_count(const ei8_qview& v);
size_t param_index(const ei8_qview& v, size_t o, size_t a, size_t i);

// Every scale finite and > 0 (scale may be null), every zero point in [qmin, qmax].
ei8_status check_params(const float* scale, const int32_t* zero_point, size_t np, int32_t qmin,
                        int32_t qmax, size_t* bad_index);

// Scale and zero point for values spanning [xmin, xmax] (finite), the rule of choose_qparams.
void params_from_range(float xmin, float xmax, int symmetric, ei8_dtype dt, int32_t qmin, int32_t qmax,
                       float* scale, int32_t* zero_point);

ei8_status choose_qparams(const float* x, const ei8_qview& v, ei8_dtype dt, int symmetric,
                          int narrow, float* scale, int32_t* zero_point, size_t* bad_index);
ei8_status quantize(const float* x, const ei8_qview& v, const float* scale,
                    const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax, void* out,
                    size_t* bad_index);
ei8_status dequantize(const void* q, ei8_dtype dt, const ei8_qview& v, const float* scale,
                      const int32_t* zero_point, float* out);

}  // namespace ref
}  // namespace ei8
