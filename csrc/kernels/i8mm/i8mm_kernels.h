// AArch64 int8 matrix-multiply kernels (SMMLA, FEAT_I8MM: ARMv8.6, Neoverse V1/N2, Cortex-A710+,
// Apple M2). Compiled with -march=armv8.2-a+dotprod+i8mm in their own library
// (sources-arm.gypi: arm_i8mm_sources); run only where the CPU reports i8mm.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace i8mm {

// Tiled layout (nr=16, kr=8); see gemm_4x16c8__neoni8mm.cc.
void gemm_4x16c8__neoni8mm(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_4x16c8_dequant_groups__neoni8mm(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                          const GroupDequantTerms& t, float* y);

// Roofline probe (KernelPath::dot_peak): SMMLA chains; returns the MACs done.
uint64_t dot_peak(uint64_t iterations);

}  // namespace i8mm
}  // namespace ei8
