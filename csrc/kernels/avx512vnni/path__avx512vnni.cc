#include "kernels/avx512vnni/avx512vnni_kernels.h"

namespace ei8 {
namespace avx512vnni {

// vpdpbusd multiplies u8 by s8 with exact int32 sums: one kernel serves every weight value.
const KernelPath kPath = {
    "avx512vnni",
    {"qu8_gemm_6x64c4__avx512vnni", 64, 4, AKind::U8,
     {gemm_6x64c4, 6, gemm_6x64c4_prefetch, gemm_6x64c4_accumulate, ALayout::Plain, nullptr, nullptr,
      gemm_6x64c4_columns, gemm_6x64c4_dequant_groups},
     {gemm_6x64c4, 6, gemm_6x64c4_prefetch, gemm_6x64c4_accumulate, ALayout::Plain, nullptr, nullptr,
      gemm_6x64c4_columns, gemm_6x64c4_dequant_groups},
     // A GEMV's last panel narrower than 64 columns goes to the GEMM's column kernel, which reads
     // only its valid 16-column vectors (1x1024x16: a quarter of the panel's bytes).
     {gemv_2x64c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, gemm_6x64c4_columns,
      gemv_2x64c4_dequant_groups},
     {gemv_2x64c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, gemm_6x64c4_columns,
      gemv_2x64c4_dequant_groups}},
    {correct, requant_float, requant_fixed, dequant_accumulate, dequant_store},
    dot_peak,
    {minmax, quantize_run},
};

}  // namespace avx512vnni
}  // namespace ei8
