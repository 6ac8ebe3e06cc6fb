#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avxvnni/avxvnni_kernels.h"

namespace ei8 {
namespace EI8_AVXVNNI_NS {

const KernelPath kPath = {
    EI8_AVXVNNI_NAME,
    {"qu8_gemm_6x16c4__avxvnni", 16, 4, AKind::U8,
     {gemm_6x16c4, 6, gemm_6x16c4_prefetch, gemm_6x16c4_accumulate, ALayout::Plain, nullptr, nullptr, nullptr,
      gemm_6x16c4_dequant_groups},
     {gemm_6x16c4, 6, gemm_6x16c4_prefetch, gemm_6x16c4_accumulate, ALayout::Plain, nullptr, nullptr, nullptr,
      gemm_6x16c4_dequant_groups},
     {gemv_2x16c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr, gemv_2x16c4_dequant_groups},
     {gemv_2x16c4, 2, nullptr, nullptr, ALayout::Plain, nullptr, nullptr, nullptr, gemv_2x16c4_dequant_groups}},
    {avx2::correct, avx2::requant_float, avx2::requant_fixed, avx2::dequant_accumulate, avx2::dequant_store},
    EI8_AVXVNNI_PEAK,
    {avx2::minmax, avx2::quantize_run},
};

}  // namespace EI8_AVXVNNI_NS
}  // namespace ei8
