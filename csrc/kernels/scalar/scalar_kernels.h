// The portable C++ path: always built, the fallback on CPUs without a SIMD path, and the column
// tails of the SIMD epilogues.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace scalar {

void gemm_4x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);

void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride);
void requant_float(const RequantTile& t, const float* mult);
void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift);
void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y);
void dequant_store(const DequantTile& t, const float* sb, const float* bias);

bool minmax(const float* x, size_t n, float* lo, float* hi);
void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q);

extern const KernelPath kPath;

}  // namespace scalar
}  // namespace ei8
