// Advanced SIMD kernels. AArch64 (ARMv8.0): every arm64 CPU has them (Cortex-A53/A72: Raspberry
// Pi 3/4), compiled with -march=armv8-a; their epilogues and dynamic quantization are shared by the
// dotprod and i8mm paths. ARMv7 (32-bit Raspberry Pi OS and other armhf systems): the same files
// compiled with -mfpu=neon (sources-arm.gypi: arm_neon_sources, isa_armv7_neon_cflags); what only
// AArch64 has is compiled for AArch64 only (marked below).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace neon {

// AArch64: tiled layout (nr=8, kr=16); see gemm_c16.h.
void gemm_2x8c16__neon_mlal(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_2x8c16__neon_mull(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
// Per-group weights with f32 output over the two tiles above (Ukernel::run_dequant_groups).
void gemm_2x8c16_dequant_groups__neon_mlal(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y);
void gemm_2x8c16_dequant_groups__neon_mull(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y);
// ARMv7: tiled layout (nr=4, kr=16).
void gemm_2x4c16__neon_mlal(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_2x4c16__neon_mull(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);

// The Epilogues of core/kernel_table.h, equal bit for bit to kernels/scalar (which they call for
// column tails shorter than a vector). requant_float, dequant_accumulate and dequant_store: AArch64 only (ARMv7
// NEON has no round-to-nearest conversion and flushes float denormals to zero, so the scalar
// versions serve ARMv7).
void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride);
void requant_float(const RequantTile& t, const float* mult);
void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift);
void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y);
void dequant_store(const DequantTile& t, const float* sb, const float* bias);

// DynamicQuantKernels (matmulF32), equal to kernels/scalar's. AArch64 only (vector FDIV).
bool minmax(const float* x, size_t n, float* lo, float* hi);
void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q);

// Roofline probe (KernelPath::dot_peak): SMULL + SMLAL2 + SADALP chains (VMULL.S8 + VMLAL.S8 +
// VPADAL.S16 on ARMv7); returns the MACs done.
uint64_t dot_peak(uint64_t iterations);

}  // namespace neon
}  // namespace ei8
