// Dynamic quantization of f32 activations to uint8 (onnxruntime's DynamicQuantizeLinear rule), per
// row or per tensor, with a kernel path's vectorised min/max and quantize.
#pragma once

#include "core/kernel_table.h"
#include "edge_int8.h"

namespace ei8 {

// x is m x k (row stride k). scale / zero_point get m entries (per_row) or 1.
// A NaN or infinity: EI8_E_NONFINITE with *bad_index its flat index.
ei8_status quantize_rows_u8(const KernelPath& path, const float* x, size_t m, size_t k, bool per_row, float* scale,
                            int32_t* zero_point, uint8_t* q, size_t* bad_index);

}  // namespace ei8
