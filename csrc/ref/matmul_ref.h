// Reference integer matmul and its epilogues (normative). Single-threaded, written to be read.
#pragma once

#include "edge_int8.h"
#include "pack/weights.h"

namespace ei8 {
namespace ref {

// The weights as the reference reads them: canonical B[n * K + k] plus parameters.
struct RefWeights {
  const ei8_packed& w;
  const uint8_t* nk;
};

void matmul_i32(const ei8_activations& a, const RefWeights& b, int32_t* out);
// One requantized output (DESIGN.md section 2): acc, the int32 sum of column n, plus rq's bias,
// scaled by rq's rounding with the column's weight scale sb, stored as rq's dtype at out[index].
// Shared by matmul_requant and sparse_matmul_requant.
void requantize_output(int32_t acc, size_t n, float sb, const ei8_requant& rq, void* out, size_t index);
// rq->bias and the clamp must already be validated; multipliers are derived here.
void matmul_requant(const ei8_activations& a, const RefWeights& b, const ei8_requant& rq, void* out);
void matmul_dequant(const ei8_activations& a, const float* a_scale, size_t n_a_scales,
                    const RefWeights& b, const float* bias, float* out);

}  // namespace ref
}  // namespace ei8
