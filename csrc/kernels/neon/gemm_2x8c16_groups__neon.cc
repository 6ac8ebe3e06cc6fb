// Per-group weights with f32 output (Ukernel::run_dequant_groups) on the 2x8c16 tiles, AArch64
// NEON (kernels/neon/dequant_groups_neon.h). AArch64 only, as the float epilogues.
#include "kernels/neon/dequant_groups_neon.h"
#include "kernels/neon/neon_kernels.h"

#if defined(__aarch64__)

namespace ei8 {
namespace neon {

void gemm_2x8c16_dequant_groups__neon_mlal(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y) {
  neon_dequant_groups<gemm_2x8c16__neon_mlal, 2, 8>(mr, a, a_stride, w, t, y);
}

void gemm_2x8c16_dequant_groups__neon_mull(size_t mr, const uint8_t* a, size_t a_stride, const int8_t* w,
                                           const GroupDequantTerms& t, float* y) {
  neon_dequant_groups<gemm_2x8c16__neon_mull, 2, 8>(mr, a, a_stride, w, t, y);
}

}  // namespace neon
}  // namespace ei8

#endif
