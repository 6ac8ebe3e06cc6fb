// AVX-512 VNNI path: vpdpbusd on zmm (u8 x s8 -> s32, 64 MACs per instruction).
// Layout n64c4 (nr = 64, kr = 4): one k-block of a panel is 4 zmm of weights.
// Declarations only: this header is included by baseline code, the definitions live in files
// compiled with -mavx512* flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace avx512vnni {

void gemm_6x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_6x64c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes);
void gemm_6x64c4_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                            const int8_t* pf, size_t pf_bytes);
void gemm_6x64c4_columns(size_t mr, size_t nc, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w,
                         int32_t* d);
void gemm_6x64c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemv_2x64c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemv_2x64c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);

void correct(const int32_t* d, size_t d_stride, size_t mr, size_t nc, const TileTerms& t, int32_t* out,
             size_t out_stride);
void requant_float(const RequantTile& t, const float* mult);
void requant_fixed(const RequantTile& t, const int32_t* mult, const int32_t* shift);
void dequant_accumulate(const int32_t* acc, size_t nc, float sa, const float* sb, float* y);
void dequant_store(const DequantTile& t, const float* sb, const float* bias);

uint64_t dot_peak(uint64_t iterations);

bool minmax(const float* x, size_t n, float* lo, float* hi);
void quantize_run(const float* x, size_t n, float scale, int32_t zero_point, int32_t qmin, int32_t qmax,
                  uint8_t* q);

extern const KernelPath kPath;

}  // namespace avx512vnni
}  // namespace ei8
