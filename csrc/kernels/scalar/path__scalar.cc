#include "kernels/scalar/scalar_kernels.h"

namespace ei8 {
namespace scalar {

const KernelPath kPath = {
    "scalar",
    {"qs8_gemm_4x16c4__scalar", 16, 4, AKind::S8, {gemm_4x16c4, 4}, {gemm_4x16c4, 4}, {nullptr, 0}, {nullptr, 0}},
    {correct, requant_float, requant_fixed, dequant_accumulate, dequant_store},
    nullptr,
    {minmax, quantize_run},
};

}  // namespace scalar
}  // namespace ei8
