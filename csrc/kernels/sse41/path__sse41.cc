#include "kernels/scalar/scalar_kernels.h"
#include "kernels/sse41/sse41_kernels.h"

namespace ei8 {
namespace sse41 {

const KernelPath kPath = {
    "sse41",
    {"qs8_gemm_2x16c4__sse41", 16, 4, AKind::S8,
     {gemm_2x16c4, 2, gemm_2x16c4_prefetch, gemm_2x16c4_accumulate, ALayout::WithAbs, nullptr, nullptr, nullptr,
      gemm_2x16c4_dequant_groups},
     {gemm_1x16c4_widen, 1, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr,
      gemm_1x16c4_widen_dequant_groups},
     {gemv_1x16c4, 1, nullptr, nullptr, ALayout::WithAbs, nullptr, nullptr, nullptr, gemv_1x16c4_dequant_groups},
     {nullptr, 0}},
    {scalar::correct, scalar::requant_float, scalar::requant_fixed, scalar::dequant_accumulate, scalar::dequant_store},
    dot_peak,
    {scalar::minmax, scalar::quantize_run},
};

}  // namespace sse41
}  // namespace ei8
