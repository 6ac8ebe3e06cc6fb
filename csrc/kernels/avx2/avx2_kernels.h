// AVX2 path (Haswell and later, Zen): layout n16c4 (nr = 16, kr = 4), A as int8.
// vpmaddubsw saturates int16 for some u8 x s8 pairs, so two kernels share the layout:
//  - gemm_4x16c4: the sign trick (|a| x sign(b, a)), exact when no weight is -128 ("narrow");
//  - gemm_2x16c4__widen: int8 -> int16 then vpmaddwd, exact for every weight.
// Declarations only: the definitions are compiled with -mavx2 in their own files.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/kernel_table.h"

namespace ei8 {
namespace avx2 {

void gemm_4x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_4x16c4_prefetch(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                          const int8_t* pf, size_t pf_bytes);
void gemm_4x16c4_accumulate(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d,
                            const int8_t* pf, size_t pf_bytes);
void gemv_1x16c4(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemv_1x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemm_2x16c4_widen(size_t mr, size_t kc, const uint8_t* a, size_t a_stride, const int8_t* w, int32_t* d);
void gemm_4x16c4_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                const GroupDequantTerms& t, float* y);
void gemm_2x16c4_widen_dequant_groups(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
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

}  // namespace avx2
}  // namespace ei8
