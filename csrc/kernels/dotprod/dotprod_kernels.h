// AArch64 dot-product kernels (SDOT, ARMv8.2 FEAT_DotProd: Cortex-A55/A76 (Raspberry Pi 5),
// Neoverse N1, Apple M1). Compiled with -march=armv8.2-a+dotprod in their own library
// (sources-arm.gypi: arm_dotprod_sources); run only where the CPU reports asimddp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace dotprod {

// Tiled layout (nr=16, kr=4), the layout of the scalar path; see gemm_4x16c4__neondot.cc.
void gemm_4x16c4__neondot(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_4x16c4_dequant_groups__neondot(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                         const GroupDequantTerms& t, float* y);
void gemv_1x16c4__neondot(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemv_1x16c4_dequant_groups__neondot(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                         const GroupDequantTerms& t, float* y);

// Roofline probe (KernelPath::dot_peak): SDOT chains; returns the MACs done.
uint64_t dot_peak(uint64_t iterations);

}  // namespace dotprod
}  // namespace ei8
