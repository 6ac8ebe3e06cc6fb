#include "kernels/avx2/avx2_kernels.h"

namespace ei8 {
namespace avx2 {

const KernelPath kPath = {
    "avx2",
    {"qs8_gemm_4x16c4__avx2", 16, 4, AKind::S8,
     {gemm_4x16c4, 4, gemm_4x16c4_prefetch, gemm_4x16c4_accumulate, ALayout::WithAbs, nullptr, nullptr, nullptr,
      gemm_4x16c4_dequant_groups},
     {gemm_2x16c4_widen, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      gemm_2x16c4_widen_dequant_groups},
     {gemv_1x16c4, 1, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr, gemv_1x16c4_dequant_groups},
     {gemm_2x16c4_widen, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      gemm_2x16c4_widen_dequant_groups}},
    {correct, requant_float, requant_fixed, dequant_accumulate, dequant_store},
    dot_peak,
    {minmax, quantize_run},
};

}  // namespace avx2
}  // namespace ei8
