// Quantization on a kernel path's vector loops: dynamic quantization of f32 activations to uint8
// (onnxruntime's DynamicQuantizeLinear rule) per row or per tensor, and the C API's choose_qparams,
// quantize and dequantize wherever one scale and zero point hold for long runs of values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/kernel_table.h"
#include "edge_int8.h"

namespace ei8 {

// x is m x k (row stride k). scale / zero_point get m entries (per_row) or 1.
// A NaN or infinity: EI8_E_NONFINITE with *bad_index its flat index.
ei8_status quantize_rows_u8(const KernelPath& path, const float* x, size_t m, size_t k, bool per_row, float* scale,
                            int32_t* zero_point, uint8_t* q, size_t* bad_index);

// ei8_choose_qparams and ei8_quantize on `path`'s kernels (minmax, quantize_run) where one scale
// and zero point hold for runs of values (per tensor; per channel when `inner` is at least
// kMinKernelRun), in vectorized portable loops per column (per channel with inner == 1 and at least
// kMinKernelRun columns), the reference elsewhere (per group, short runs) and for any NaN or
// infinity, which it names. Results equal the reference's. quantize() of a 1 x 4096 row took 13 us
// in the reference.
constexpr size_t kMinKernelRun = 16;
ei8_status choose_qparams_on(const KernelPath& path, const float* x, const ei8_qview& v, ei8_dtype dt, int symmetric,
                             int narrow, float* scale, int32_t* zero_point, size_t* bad_index);
ei8_status quantize_on(const KernelPath& path, const float* x, const ei8_qview& v, const float* scale,
                       const int32_t* zero_point, ei8_dtype dt, int32_t qmin, int32_t qmax, void* out,
                       size_t* bad_index);

// ei8_dequantize over the same runs with a loop the compiler vectorizes (the reference walks every
// element through its parameter index); the reference elsewhere. The same products: s * (q - z).
ei8_status dequantize_runs(const void* q, ei8_dtype dt, const ei8_qview& v, const float* scale,
                           const int32_t* zero_point, float* out);

// f32 activations quantized for an integer matmul: the bytes, their parameters, and the
// ei8_activations view over them. Small calls keep all three inline: three heap allocations took
// 3 % of a 16x16x16 matmulF32.
struct DynamicQuantActivations {
  float* scale = nullptr;  // n_scales
  int32_t* zero_point = nullptr;  // n_scales
  uint8_t* q = nullptr;  // m x k
  size_t n_scales = 0;
  ei8_activations view{};

  DynamicQuantActivations() = default;
  DynamicQuantActivations(const DynamicQuantActivations&) = delete;  // the pointers may point inside
  DynamicQuantActivations& operator=(const DynamicQuantActivations&) = delete;

  // Points scale, zero_point and q at room for them. May throw std::bad_alloc.
  void allocate(size_t m, size_t k, size_t np);

 private:
  static constexpr size_t kInlineBytes = 4096;
  alignas(64) uint8_t inline_[kInlineBytes];
  std::vector<uint8_t> heap_;
};

// The f32-in matmuls' first step: a (m x k) quantized to uint8 per row or per tensor, with the
// kernel path in use (the reference's own functions when that is 'ref'; the results are equal).
// May throw std::bad_alloc.
ei8_status quantize_activations_u8(const float* a, size_t m, size_t k, bool per_row, DynamicQuantActivations* out,
                                   size_t* bad_index);

}  // namespace ei8
