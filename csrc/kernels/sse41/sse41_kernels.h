// SSE4.1 path (x86-64 CPUs without AVX2: the Atom-class Silvermont to Tremont cores of many edge
// boxes and gateways, Nehalem to Ivy Bridge), layout n16c4 (nr = 16, kr = 4) as on AVX2, A as int8.
// The AVX2 kernels' two schemes on 128-bit vectors (pmaddubsw and psignb are SSSE3, pmovsxbw SSE4.1):
//  - gemm_2x16c4: the sign trick (|a| x sign(b, a)), exact when no weight is -128 ("narrow");
//  - gemv_1x16c4: gemm_2x16c4's loop on one row (M = 1), weights prefetched ahead;
//  - gemm_1x16c4_widen: int8 -> int16 then pmaddwd, exact for every weight.
// The epilogues and the dynamic quantization are the portable ones (scalar path), which the compiler
// vectorises with SSE2; they are O(M x N) against the kernels' O(M x N x K).
// Declarations only: the definitions are compiled with -msse4.1 in their own files.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace sse41 {

void gemm_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_2x16c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes);
void gemm_2x16c4_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                            const int8_t* pf, size_t pf_bytes);
void gemv_1x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemv_1x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemm_1x16c4_widen(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_2x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemm_1x16c4_widen_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                      const GroupDequantTerms& t, float* y);

uint64_t dot_peak(uint64_t iterations);

extern const KernelPath kPath;

}  // namespace sse41
}  // namespace ei8
