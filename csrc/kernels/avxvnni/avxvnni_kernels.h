// AVX-VNNI path (Alder Lake, Zen 5 and later; the VEX encoding of vpdpbusd on ymm, 16 registers):
// layout n16c4 shared with AVX2; epilogues are the AVX2 ones.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace avxvnni {

void gemv_2x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_6x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_6x16c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes);
void gemm_6x16c4_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                            const int8_t* pf, size_t pf_bytes);

uint64_t dot_peak(uint64_t iterations);

extern const KernelPath kPath;

}  // namespace avxvnni
}  // namespace ei8
