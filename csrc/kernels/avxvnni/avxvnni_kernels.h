// AVX-VNNI path (Alder Lake, Zen 5 and later; the VEX encoding of vpdpbusd on ymm, 16 registers):
// layout n16c4 shared with AVX2; epilogues are the AVX2 ones.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

// The C++ tests compile this path's kernels and tables (dense and sparse) a second time
// (EI8_AVXVNNI_EVEX): namespace avxvnni_evex, path "avxvnni-evex", the EVEX form of vpdpbusd on ymm
// (AVX512-VL VNNI: the same operation) and no roofline probe (VEX assembly), so that CPUs with
// AVX-512 VNNI but no AVX-VNNI run them (test/cpp/avxvnni_evex_*.cc).
#if defined(EI8_AVXVNNI_EVEX)
#define EI8_AVXVNNI_NS avxvnni_evex
#define EI8_AVXVNNI_NAME "avxvnni-evex"
#define EI8_AVXVNNI_PEAK nullptr
#define EI8_DPBUSD_YMM _mm256_dpbusd_epi32
#define EI8_DPBUSD_XMM _mm_dpbusd_epi32
#else
#define EI8_AVXVNNI_NS avxvnni
#define EI8_AVXVNNI_NAME "avxvnni"
#define EI8_AVXVNNI_PEAK dot_peak
#define EI8_DPBUSD_YMM _mm256_dpbusd_avx_epi32
#define EI8_DPBUSD_XMM _mm_dpbusd_avx_epi32
#endif

namespace ei8 {
namespace EI8_AVXVNNI_NS {

void gemv_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_6x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_6x16c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes);
void gemm_6x16c4_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                            const int8_t* pf, size_t pf_bytes);
void gemm_6x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemv_2x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
// One row of gemv_2x16c4_dequant_groups: every group in one pass (gemv_2x16c4__avxvnni.cc).
void gemv_1x16c4_dequant_groups_row(const uint8_t* a, const int8_t* w, const GroupDequantTerms& t, float* y);

uint64_t dot_peak(uint64_t iterations);

extern const KernelPath kPath;

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
