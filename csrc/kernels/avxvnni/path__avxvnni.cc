#include "kernels/avx2/avx2_kernels.h"
#include "kernels/avxvnni/avxvnni_kernels.h"

namespace ei8 {
namespace avxvnni {

const KernelPath kPath = {
    "avxvnni",
    {"qu8_gemm_6x16c4__avxvnni", 16, 4, AKind::U8,
     {gemm_6x16c4, 6, gemm_6x16c4_prefetch, gemm_6x16c4_accumulate},
     {gemm_6x16c4, 6, gemm_6x16c4_prefetch, gemm_6x16c4_accumulate},
     {gemv_2x16c4, 2},
     {gemv_2x16c4, 2}},
    {avx2::correct, avx2::requant_float, avx2::requant_fixed, avx2::dequant_accumulate},
    dot_peak,
    {avx2::minmax, avx2::quantize_run},
};

}  // namespace avxvnni
}  // namespace ei8
